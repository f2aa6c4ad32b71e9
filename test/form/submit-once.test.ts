import { afterEach, describe, expect, it, vi } from 'vitest';
import { submitOnce } from '../../src/browser.js';
import type { IdemClient } from '../../src/client/create.js';
import { InvalidRequestError, MemoryJournal } from '../../src/index.js';
import type { FormState } from '../../src/types/form.js';
import { bookingApi, heldBookingApi, TabLocks, TabStorage } from './support.js';

const booking = { classId: 'c7', clientId: 'u42' };

function bookingForm(api: IdemClient, storage = new TabStorage(), onChange?: (state: FormState) => unknown) {
	return submitOnce('booking', (call, values) => api.post('bookings', { json: values, ...call }), {
		client: api,
		storage,
		onChange,
	});
}

describe('submitOnce', () => {
	it('a second submit while the first is on its way joins it: one request, one booking', async () => {
		const api = await bookingApi();
		const submit = bookingForm(api.client());
		const [a, b] = await Promise.all([submit(booking), submit(booking)]);
		expect(a.status).toBe('succeeded');
		expect(b).toBe(a);
		expect(api.server.received).toHaveLength(1);
		expect(a.operation).toMatch(/^form:booking:/);
	});

	it('after success the unchanged form shows the same result without a request; changed content is a new operation', async () => {
		const api = await bookingApi();
		const submit = bookingForm(api.client());
		const first = await submit(booking);
		const again = await submit({ clientId: 'u42', classId: 'c7' }); // same content, other key order
		expect(again.result).toBe(first.result);
		expect(api.server.received).toHaveLength(1);
		const other = await submit({ ...booking, classId: 'c8' });
		expect(other.status).toBe('succeeded');
		expect(other.operation).not.toBe(first.operation);
		expect(new Set(api.keys()).size).toBe(2);
		expect(api.bookings.size).toBe(2);
	});

	it('after a lost answer, retry() resends the stored request under its key, whatever the form now holds', async () => {
		const api = await bookingApi('drop');
		const submit = bookingForm(api.client());
		expect((await submit(booking)).status).toBe('unknown');
		submit.edit({ ...booking, classId: 'c9' });
		expect(submit.state.status).toBe('changed-after-unknown');
		// Submitting the edited form sends nothing: the page must choose retry() or startOver().
		expect((await submit({ ...booking, classId: 'c9' })).status).toBe('changed-after-unknown');
		expect(api.server.received).toHaveLength(1);
		const retried = await submit.retry();
		expect(retried.status).toBe('succeeded');
		expect(retried.result?.replayed).toBe(true);
		expect(api.keys()[1]).toBe(api.keys()[0]);
		expect(api.server.received[1]?.body.toString()).toBe(api.server.received[0]?.body.toString());
		expect(api.bookings.size).toBe(1);
	});

	it('after a lost answer, submitting changed content sends nothing and says so', async () => {
		const api = await bookingApi('drop');
		const submit = bookingForm(api.client());
		const lost = await submit(booking);
		const held = await submit({ ...booking, classId: 'c9' });
		expect(held).toMatchObject({ status: 'changed-after-unknown', operation: lost.operation });
		expect(api.server.received).toHaveLength(1);
	});

	it('an edit while submitting or after success changes nothing: only an unknown outcome is held', async () => {
		const api = await heldBookingApi();
		const submit = bookingForm(api.client());
		const sending = submit(booking);
		await vi.waitFor(() => expect(api.held()).toBe(true));
		submit.edit(booking);
		submit.edit({ ...booking, classId: 'c9' });
		expect(submit.state.status).toBe('submitting');
		api.release();
		expect((await sending).status).toBe('succeeded');
		submit.edit(booking);
		expect(submit.state.status).toBe('succeeded');
	});

	it('an edit undone after a lost answer is the unknown request again: submit resends it under its key', async () => {
		const api = await bookingApi('drop');
		const submit = bookingForm(api.client());
		await submit(booking);
		submit.edit({ ...booking, classId: 'c9' });
		submit.edit(booking);
		expect(submit.state.status).toBe('unknown');
		expect((await submit(booking)).status).toBe('succeeded');
		expect(new Set(api.keys()).size).toBe(1);
	});

	it('a reload of the tab finds the unfinished submission: reported as unknown, finished by retry() under its key', async () => {
		const api = await bookingApi('drop');
		const journal = new MemoryJournal();
		const tab = new TabStorage();
		const before = await bookingForm(api.client(journal), tab)(booking);
		expect(before.status).toBe('unknown');
		const reloaded = bookingForm(api.client(journal), tab);
		const found = await reloaded.ready;
		expect(found).toMatchObject({ status: 'unknown', operation: before.operation });
		expect((await reloaded.retry()).status).toBe('succeeded');
		expect(new Set(api.keys()).size).toBe(1);
		expect(api.bookings.size).toBe(1);
	});

	it('a new tab finds what a closed tab left unfinished, by the form name, in the journal', async () => {
		const api = await bookingApi('drop');
		const journal = new MemoryJournal();
		const closed = await bookingForm(api.client(journal), new TabStorage())(booking);
		const other = submitOnce('newsletter', async () => Promise.reject(new Error('unused')), {
			client: api.client(journal),
			storage: new TabStorage(),
		});
		expect((await other.ready).status).toBe('idle'); // another form's submission is not this one's
		const fresh = bookingForm(api.client(journal), new TabStorage());
		expect(await fresh.ready).toMatchObject({ status: 'unknown', operation: closed.operation });
		await fresh.retry();
		expect(new Set(api.keys()).size).toBe(1);
	});

	it('a reload after success shows the result from the journal, and the unchanged form sends nothing', async () => {
		const api = await bookingApi();
		const journal = new MemoryJournal();
		const tab = new TabStorage();
		await bookingForm(api.client(journal), tab)(booking);
		const reloaded = bookingForm(api.client(journal), tab);
		expect((await reloaded.ready).status).toBe('succeeded');
		expect((await reloaded(booking)).result?.fromJournal).toBe(true);
		expect(api.server.received).toHaveLength(1);
	});

	it('startOver() after a lost answer abandons it (no later page offers it) and the next submit is a new key', async () => {
		const api = await bookingApi('drop');
		const journal = new MemoryJournal();
		const tab = new TabStorage();
		const submit = bookingForm(api.client(journal), tab);
		const lost = await submit(booking);
		expect((await submit.startOver()).status).toBe('idle');
		expect(tab.items.size).toBe(0);
		expect((await journal.get('default', lost.operation as string))?.state).toBe('failed');
		expect((await bookingForm(api.client(journal), new TabStorage()).ready).status).toBe('idle');
		const next = await submit(booking);
		expect(next.status).toBe('succeeded');
		expect(next.operation).not.toBe(lost.operation);
	});

	it('a rejection is final and not applied: the next submit, even unchanged, is a new operation', async () => {
		const api = await bookingApi(422);
		const submit = bookingForm(api.client());
		const rejected = await submit(booking);
		expect(rejected.status).toBe('rejected');
		expect(rejected.error).toMatchObject({ name: 'RequestRejectedError', status: 422 });
		const next = await submit(booking);
		expect(next.status).toBe('succeeded');
		expect(next.operation).not.toBe(rejected.operation);
	});

	it('another tab sending the same content right now is joined: one request on the wire', async () => {
		const api = await heldBookingApi();
		const client = api.client();
		// Both tabs loaded before either submits: neither finds anything on load.
		const [tabA, tabB] = [bookingForm(client), bookingForm(client)];
		await Promise.all([tabA.ready, tabB.ready]);
		const first = tabA(booking);
		await vi.waitFor(() => expect(api.held()).toBe(true));
		const second = tabB(booking);
		api.release();
		const [a, b] = await Promise.all([first, second]);
		expect(b.operation).toBe(a.operation);
		expect(b.status).toBe('succeeded');
		expect(api.server.received).toHaveLength(1);
	});

	it('onChange sees every state; one that throws or rejects changes nothing', async () => {
		const api = await bookingApi();
		const seen: string[] = [];
		const submit = bookingForm(api.client(), new TabStorage(), (state) => {
			seen.push(state.status);
			if (seen.length === 1) throw new Error('render failed');
			return Promise.reject(new Error('async render failed'));
		});
		expect((await submit(booking)).status).toBe('succeeded');
		expect(seen).toEqual(['submitting', 'succeeded']);
	});

	it('refuses a bad name or client at once, and a body that is not JSON before sending (rejected, not unknown)', async () => {
		const api = await bookingApi();
		const send = () => Promise.reject(new Error('unused'));
		expect(() => submitOnce('a:b', send, { client: api.client() })).toThrow(InvalidRequestError);
		expect(() => submitOnce('', send, { client: api.client() })).toThrow(InvalidRequestError);
		expect(() => submitOnce('ok', send, { client: {} as IdemClient })).toThrow(InvalidRequestError);
		const submit = bookingForm(api.client());
		const state = await submit({ count: 1n });
		expect(state.status).toBe('rejected');
		expect(state.error).toBeInstanceOf(InvalidRequestError);
		expect(api.server.received).toHaveLength(0);
	});

	it('dispose() cancels a wait and silences onChange; the sent request stays journaled for the next page', async () => {
		const api = await bookingApi(() => {}); // never answers
		const journal = new MemoryJournal();
		const tab = new TabStorage();
		const onChange = vi.fn();
		const submit = bookingForm(api.client(journal), tab, onChange);
		const pending = submit(booking);
		await vi.waitFor(() => expect(api.server.received).toHaveLength(1));
		submit.dispose();
		expect((await pending).status).toBe('unknown');
		expect(onChange).toHaveBeenCalledTimes(1); // 'submitting' only
		expect((await bookingForm(api.client(journal), tab).ready).status).toBe('unknown');
	});
});

describe('submitOnce in two tabs at the same instant', () => {
	// What the tabs share: the origin's localStorage and Web Locks (each tab has its own client and sessionStorage).
	const shared = () => {
		vi.stubGlobal('localStorage', new TabStorage());
		vi.stubGlobal('navigator', { ...globalThis.navigator, locks: new TabLocks() });
	};
	afterEach(() => {
		vi.unstubAllGlobals();
		vi.useRealTimers();
	});

	it('the same content: one operation, one request on the wire', async () => {
		shared();
		const api = await heldBookingApi();
		const journal = new MemoryJournal();
		const [tabA, tabB] = [bookingForm(api.client(journal)), bookingForm(api.client(journal))];
		await Promise.all([tabA.ready, tabB.ready]);
		// Neither tab has journaled anything when the other looks: each used to mint its own operation.
		const both = Promise.all([tabA(booking), tabB(booking)]);
		await vi.waitFor(() => expect(api.held()).toBe(true));
		api.release();
		const [a, b] = await both;
		expect(b.operation).toBe(a.operation);
		expect([a.status, b.status]).toEqual(['succeeded', 'succeeded']);
		expect(api.server.received).toHaveLength(1);
	});

	it('another tab submitting the same content after a success is a new operation, as in the same tab', async () => {
		shared();
		const api = await bookingApi();
		const journal = new MemoryJournal();
		const first = await bookingForm(api.client(journal))(booking);
		// A later click: after the first tab's answer, not at the same millisecond.
		vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 1000 });
		const later = await bookingForm(api.client(journal))(booking);
		expect(later.status).toBe('succeeded');
		expect(later.operation).not.toBe(first.operation);
		expect(api.bookings.size).toBe(2);
	});
});
