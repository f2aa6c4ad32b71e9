import 'fake-indexeddb/auto';
import { beforeEach, expect, it, vi } from 'vitest';
import type { Booking } from './form-submit-once.js';
import { mockApi, noBackoff } from './mock-api.js';

const serve = mockApi('https://shop.example/api/v1/');

/** A tab's sessionStorage, kept across "reloads" (module re-imports); IndexedDB (fake-indexeddb) persists too. */
const tab = new Map<string, string>();
beforeEach(() => {
	tab.clear();
	vi.stubGlobal('location', new URL('https://shop.example/book'));
	vi.stubGlobal('sessionStorage', {
		getItem: (k: string) => tab.get(k) ?? null,
		setItem: (k: string, v: string) => void tab.set(k, v),
		removeItem: (k: string) => void tab.delete(k),
	});
	vi.resetModules();
});
/** Loads the page (again, for a reload) and makes the form's handler. */
const load = async () => (await import('./form-submit-once.js')).bookingForm(() => {});
const values: Booking = { classId: 'c7', clientId: `u${Math.random()}` };

it('a double click sends one request; submitting the unchanged form again shows the booking, no request', async () => {
	const state = serve();
	const submit = await load();
	const [a, b] = await Promise.all([submit(values), submit(values)]);
	expect(a.status).toBe('succeeded');
	expect(b.result?.data).toEqual(a.result?.data);
	expect((await submit(values)).result?.data).toEqual(a.result?.data);
	expect(state.requests).toHaveLength(1);
});

it('a lost answer is held, even after an edit; "Try again" sends the first request under its key: one booking', async () => {
	noBackoff();
	const state = serve({ faults: ['drop-after-commit', ...Array(5).fill('drop-before')] });
	const submit = await load();
	expect((await submit(values)).status).toBe('unknown');
	submit.edit({ ...values, classId: 'c8' });
	expect(submit.state.status).toBe('changed-after-unknown');
	const retried = await submit.retry();
	expect(retried.status).toBe('succeeded');
	expect(new Set(state.requests.map((r) => r.key)).size).toBe(1);
	expect(state.effectCount).toBe(1);
});

it('a reload after a lost answer finds it on load; retry() finishes it under the same key', async () => {
	noBackoff();
	const state = serve({ faults: ['drop-after-commit', ...Array(5).fill('drop-before')] });
	expect((await (await load())(values)).status).toBe('unknown');
	vi.resetModules(); // reload
	const submit = await load();
	expect((await submit.ready).status).toBe('unknown');
	expect((await submit.retry()).status).toBe('succeeded');
	expect(new Set(state.requests.map((r) => r.key)).size).toBe(1);
	expect(state.effectCount).toBe(1);
});
