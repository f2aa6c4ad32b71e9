import 'fake-indexeddb/auto';
import { beforeEach, expect, it, vi } from 'vitest';
import { mockApi, noBackoff } from './mock-api.js';

const serve = mockApi('https://shop.example/api/v1/');

/** A tab's sessionStorage, kept across "reloads" (module re-imports). */
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
const load = () => import('./browser-form.js');
const fields = { clientId: 'u42', classId: 'c7' };

it('a double click sends one request and both clicks show the booking', async () => {
	const state = serve();
	const { submitBooking } = await load();
	const [a, b] = await Promise.all([submitBooking(fields), submitBooking(fields)]);
	expect(a).toEqual(b);
	expect(a.message).toBe('Booked (b1).');
	expect(state.requests).toHaveLength(1);
});

it('after an unconfirmed submit, the reloaded page finishes it under the same key: one booking', async () => {
	noBackoff();
	const state = serve({ faults: ['drop-after-commit', ...Array(5).fill('drop-before')] });
	const first = await (await load()).submitBooking(fields);
	expect(first).toEqual({ message: 'We could not confirm your booking. Try again.', canEdit: false });
	vi.resetModules(); // reload
	const shown = await (await load()).recoverOnLoad();
	expect(shown?.message).toBe('Booked (b1).');
	expect(new Set(state.requests.map((r) => r.key)).size).toBe(1);
	expect(state.effectCount).toBe(1);
	expect(tab.size).toBe(0);
});

it('a rejected form gets a new operation, so corrected fields are not a key reuse', async () => {
	const state = serve({ faults: [{ status: 422, body: { error: 'class_full' } }] });
	const { submitBooking } = await load();
	expect((await submitBooking(fields)).canEdit).toBe(true);
	expect((await submitBooking({ ...fields, classId: 'c8' })).message).toBe('Booked (b1).');
	expect(state.requests[0]?.key).not.toBe(state.requests[1]?.key);
});
