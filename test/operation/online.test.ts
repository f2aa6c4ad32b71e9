import { afterEach, describe, expect, it, vi } from 'vitest';
import {
	createClient,
	type IdemEvent,
	MemoryJournal,
	NotSentError,
	OutcomeUnknownError,
} from '../../src/index.js';
import { useVirtualTime, waitFor, watch } from '../helpers/virtual-time.js';
import { rejectionOf } from './support.js';

/**
A page's `navigator.onLine` and its window's `online` event, on globalThis as in a browser. Listeners are counted so a
test can see that a wait leaves none behind.
*/
function fakeBrowser(onLine: boolean) {
	const target = new EventTarget();
	const navigator = { onLine };
	const listening = new Set<unknown>();
	vi.stubGlobal('navigator', navigator);
	vi.stubGlobal('addEventListener', (type: string, listener: () => void) => {
		listening.add(listener);
		target.addEventListener(type, listener);
	});
	vi.stubGlobal('removeEventListener', (type: string, listener: () => void) => {
		listening.delete(listener);
		target.removeEventListener(type, listener);
	});
	return {
		listening,
		goOnline() {
			navigator.onLine = true;
			target.dispatchEvent(new Event('online'));
		},
		goOffline() {
			navigator.onLine = false;
			target.dispatchEvent(new Event('offline'));
		},
	};
}

/** A fetch that fails at once while the fake browser is offline, as a browser's does, and answers 201 otherwise. */
function browserFetch() {
	const requests: Request[] = [];
	const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
		if ((globalThis.navigator as { onLine?: boolean }).onLine === false)
			throw new TypeError('Failed to fetch');
		requests.push(new Request(input, init));
		return Response.json({ id: 'b1' }, { status: 201 });
	});
	return { fetch: fetch as typeof globalThis.fetch, requests };
}

function client(fetch: typeof globalThis.fetch, retry: { limit?: number; maxRetryTime?: number } = {}) {
	const events: IdemEvent[] = [];
	const journal = new MemoryJournal();
	const api = createClient({
		baseUrl: 'https://api.example.com/',
		journal,
		fetch,
		retry: { baseDelay: 10, maxDelay: 10, ...retry },
		onEvent: (event) => events.push(event),
	});
	return { api, journal, events, waits: () => events.filter((event) => event.type === 'wait') };
}

afterEach(() => {
	vi.useRealTimers();
	vi.unstubAllGlobals();
});

describe('while navigator.onLine is false', () => {
	it('sends nothing until the online event, then sends once and reports the wait', async () => {
		useVirtualTime();
		const browser = fakeBrowser(false);
		const { fetch, requests } = browserFetch();
		const { api, journal, events, waits } = client(fetch, { maxRetryTime: 60_000 });
		const call = watch(api.post('bookings', { json: { classId: 'c7' }, operation: 'book-1' }));
		await waitFor(() => waits().length === 1, 'the offline wait');
		await vi.advanceTimersByTimeAsync(20_000);
		expect(fetch).not.toHaveBeenCalled();
		expect(call.settled()).toBe(false);

		browser.goOnline();
		const { value, error } = await call.outcome;
		expect(error).toBeUndefined();
		expect(value).toMatchObject({ status: 201, attempts: 1 });
		expect(requests).toHaveLength(1);
		expect(waits()).toEqual([
			expect.objectContaining({ type: 'wait', reason: 'offline', operation: 'book-1', attempt: 0 }),
		]);
		// The wait comes before the attempt it held back; nothing was retried.
		expect(events.map((event) => event.type)).toEqual(['wait', 'attempt']);
		expect(browser.listening.size).toBe(0);
		// The attempt's history says how long it was held back (what `idemkey inspect` shows).
		const [entry] = (await journal.get('default', 'book-1'))?.history ?? [];
		expect(entry).toMatchObject({ status: 201, waitedMs: 20_000 });
	});

	it('does not burn the retry budget: a long outage after a failed attempt ends in one retry, same key', async () => {
		useVirtualTime();
		const browser = fakeBrowser(true);
		let failures = 0;
		const requests: Request[] = [];
		const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
			requests.push(new Request(input, init));
			if (failures++ === 0) {
				// The connection drops as the network goes: the browser reports offline, the fetch fails.
				browser.goOffline();
				throw new TypeError('Failed to fetch');
			}
			if (!navigator.onLine) throw new TypeError('Failed to fetch');
			return Response.json({ id: 'b1' }, { status: 201 });
		}) as typeof globalThis.fetch;
		const { api, waits } = client(fetch, { limit: 1, maxRetryTime: 120_000 });
		const call = watch(api.post('bookings', { json: { classId: 'c7' } }));
		await waitFor(() => requests.length === 1, 'the first attempt');
		// Past the backoff: the retry is due, and finds the browser offline.
		await vi.advanceTimersByTimeAsync(50);
		await waitFor(() => waits().length === 1, 'the offline wait');
		// Long past what one retry with its backoff would take: offline, no attempt is spent.
		await vi.advanceTimersByTimeAsync(60_000);
		expect(requests).toHaveLength(1);

		browser.goOnline();
		const { value } = await call.outcome;
		expect(value).toMatchObject({ status: 201, attempts: 2 });
		expect(requests).toHaveLength(2);
		const keys = requests.map((request) => request.headers.get('idempotency-key'));
		expect(keys[0]).toBeTruthy();
		expect(keys[1]).toBe(keys[0]);
	});

	it('ends at the deadline with NotSentError, nothing sent, the journal record left unclaimed', async () => {
		useVirtualTime();
		const browser = fakeBrowser(false);
		const { fetch } = browserFetch();
		const { api, journal, waits } = client(fetch, { maxRetryTime: 5_000 });
		const call = watch(api.post('bookings', { json: { classId: 'c7' }, operation: 'book-1' }));
		await waitFor(() => waits().length === 1, 'the offline wait');
		await vi.advanceTimersByTimeAsync(5_000);
		const { error } = await call.outcome;
		expect(error).toBeInstanceOf(NotSentError);
		expect(error).toMatchObject({ attempts: 0, operation: 'book-1' });
		expect((error as Error).message).toMatch(/offline/);
		expect(fetch).not.toHaveBeenCalled();
		expect(await journal.get('default', 'book-1')).toMatchObject({ state: 'pending', attemptsStarted: 0 });
		expect(browser.listening.size).toBe(0);
		expect(vi.getTimerCount()).toBe(0);
	});

	it('says "may have been applied" at the deadline when an attempt before the outage may have landed', async () => {
		useVirtualTime();
		const browser = fakeBrowser(true);
		const fetch = vi.fn(async () => {
			browser.goOffline();
			throw new TypeError('Failed to fetch');
		});
		const { api, waits } = client(fetch as typeof globalThis.fetch, { maxRetryTime: 5_000 });
		const call = watch(api.post('bookings', { json: { classId: 'c7' } }));
		await waitFor(() => fetch.mock.calls.length === 1, 'the first attempt');
		await vi.advanceTimersByTimeAsync(50);
		await waitFor(() => waits().length === 1, 'the offline wait');
		await vi.advanceTimersByTimeAsync(5_000);
		const { error } = await call.outcome;
		expect(error).toBeInstanceOf(OutcomeUnknownError);
		expect(error).toMatchObject({ attempts: 1, reason: 'deadline' });
	});

	it("ends the wait when the caller's signal aborts, with its reason, sending nothing", async () => {
		useVirtualTime();
		const browser = fakeBrowser(false);
		const { fetch } = browserFetch();
		const { api, journal, waits } = client(fetch, { maxRetryTime: 60_000 });
		const controller = new AbortController();
		const call = api.post('bookings', { json: {}, operation: 'book-1', signal: controller.signal });
		await waitFor(() => waits().length === 1, 'the offline wait');
		const reason = new Error('user left the page');
		controller.abort(reason);
		expect(await rejectionOf(call)).toBe(reason);
		expect(fetch).not.toHaveBeenCalled();
		expect(await journal.get('default', 'book-1')).toMatchObject({ attemptsStarted: 0 });
		expect(browser.listening.size).toBe(0);
		expect(vi.getTimerCount()).toBe(0);
	});

	it('waits again when the link flaps back offline before the attempt', async () => {
		useVirtualTime();
		const browser = fakeBrowser(false);
		const { fetch, requests } = browserFetch();
		const { api, waits } = client(fetch, { maxRetryTime: 60_000 });
		const call = watch(api.post('bookings', { json: {} }));
		await waitFor(() => waits().length === 1, 'the offline wait');
		// `online` fires, but the browser is offline again before the waiter looks.
		browser.goOnline();
		browser.goOffline();
		await vi.advanceTimersByTimeAsync(10_000);
		expect(fetch).not.toHaveBeenCalled();
		browser.goOnline();
		expect((await call.outcome).value).toMatchObject({ status: 201, attempts: 1 });
		expect(requests).toHaveLength(1);
	});
});

describe('where nothing says offline', () => {
	it.each([
		['Node (navigator without onLine)', () => {}],
		['a browser that is online', () => fakeBrowser(true)],
		['onLine false but no online event to wait for', () => vi.stubGlobal('navigator', { onLine: false })],
	])('%s: sends at once, with no wait event', async (_name, setup) => {
		setup();
		const fetch = vi.fn(async () => Response.json({ id: 'b1' }, { status: 201 }));
		const { api, waits } = client(fetch as typeof globalThis.fetch);
		expect(await api.post('bookings', { json: {} })).toMatchObject({ status: 201, attempts: 1 });
		expect(fetch).toHaveBeenCalledTimes(1);
		expect(waits()).toHaveLength(0);
	});
});
