import { afterEach, describe, expect, it, vi } from 'vitest';
import { createClient, JournalError, type JournalRecord, OutcomeUnknownError } from '../../src/index.js';
import { isClaim, StallingJournal } from '../helpers/stalling-journal.js';
import { turns, watch } from '../helpers/virtual-time.js';
import { rejectionOf } from './support.js';

/** A fetch answering with `statuses` in turn (the last repeats), counting requests. */
function answering(...statuses: number[]) {
	const requests: Request[] = [];
	const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
		requests.push(new Request(input, init));
		const status = statuses[Math.min(requests.length, statuses.length) - 1] ?? 200;
		return new Response(JSON.stringify({ n: requests.length }), {
			status,
			headers: { 'content-type': 'application/json' },
		});
	};
	return { fetch: fetch as typeof globalThis.fetch, requests };
}

/** A call the caller can abort while its journal create hangs, until `held.release()` lets the create land. */
function callHeldAtCreate() {
	const journal = new StallingJournal();
	const held = journal.hold('create');
	const { fetch, requests } = answering(201);
	const api = createClient({ baseUrl: 'https://api.example.com/', journal, fetch });
	const controller = new AbortController();
	const call = api.post('charges', { json: { amount: 1 }, operation: 'op-1', signal: controller.signal });
	return { journal, held, requests, api, controller, call };
}

afterEach(() => {
	vi.useRealTimers();
});

describe('a journal that never answers cannot hold the call past its signal or deadline', () => {
	it('abort while the create hangs: the caller gets its abort reason, nothing is sent, the journal is told', async () => {
		const { held, requests, controller, call } = callHeldAtCreate();
		// A journal that waits (a lock) takes the signal as the call starts, and is asked to stop waiting too.
		const signal = (await held.reached)?.signal;
		const reason = new Error('user left');
		controller.abort(reason);
		expect(await rejectionOf(call)).toBe(reason);
		expect(requests).toHaveLength(0);
		expect(signal?.aborted).toBe(true);
	});

	it('deadline while the create hangs: JournalError saying nothing was sent, exactly at retry.maxRetryTime', async () => {
		vi.useFakeTimers();
		const journal = new StallingJournal();
		journal.hold('create');
		const { fetch, requests } = answering(201);
		const api = createClient({
			baseUrl: 'https://api.example.com/',
			journal,
			fetch,
			retry: { maxRetryTime: 5_000 },
		});
		const call = watch(api.post('charges', { json: { amount: 1 }, operation: 'op-1' }));
		await vi.advanceTimersByTimeAsync(4_999);
		expect(call.settled()).toBe(false);
		await vi.advanceTimersByTimeAsync(1);
		const { error: settled } = await call.outcome;
		expect(settled).toBeInstanceOf(JournalError);
		expect((settled as Error).message).toMatch(/deadline.*nothing was sent/);
		expect(requests).toHaveLength(0);
	});

	it('deadline while the claim of a retry hangs: the call ends at the deadline, no second request', async () => {
		vi.useFakeTimers();
		const journal = new StallingJournal();
		const { fetch, requests } = answering(503, 201);
		const api = createClient({
			baseUrl: 'https://api.example.com/',
			journal,
			fetch,
			retry: { maxRetryTime: 5_000, baseDelay: 100, maxDelay: 100 },
		});
		const held = journal.hold('compareAndSet', isClaim);
		let claimReached = false;
		void held.reached.then(() => {
			claimReached = true;
		});
		const call = watch(api.post('charges', { json: { amount: 1 }, operation: 'op-1' }));
		await vi.advanceTimersByTimeAsync(4_999);
		expect(claimReached).toBe(true);
		expect(call.settled()).toBe(false);
		await vi.advanceTimersByTimeAsync(1);
		const { error: settled } = await call.outcome;
		// The first attempt may have been applied: an unknown outcome caused by the journal, never a bare JournalError
		// whose "nothing was sent" would read as "not applied".
		expect(settled).toBeInstanceOf(OutcomeUnknownError);
		expect(settled).toMatchObject({ reason: 'journal', attempts: 1 });
		expect((settled as Error).cause).toBeInstanceOf(JournalError);
		expect(((settled as Error).cause as Error).message).toMatch(/deadline/);
		expect(requests).toHaveLength(1);
	});
});

describe('one deadline covers journal waits and attempts', () => {
	it('time the create took is not given again to the attempts', async () => {
		vi.useFakeTimers();
		const journal = new StallingJournal();
		const held = journal.hold('create');
		let requests = 0;
		// A server that never answers: only the attempt's signal (timeout or deadline) ends it.
		const fetch = (_input: RequestInfo | URL, init?: RequestInit) => {
			requests++;
			return new Promise<Response>((_resolve, reject) => {
				init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
			});
		};
		const api = createClient({
			baseUrl: 'https://api.example.com/',
			journal,
			fetch,
			timeout: 60_000,
			retry: { maxRetryTime: 5_000 },
		});
		setTimeout(held.release, 4_000);
		const call = watch(api.post('charges', { json: { amount: 1 }, operation: 'op-1' }));
		await vi.advanceTimersByTimeAsync(4_999);
		expect(requests).toBe(1);
		expect(call.settled()).toBe(false);
		await vi.advanceTimersByTimeAsync(1);
		const { error: settled } = await call.outcome;
		expect(settled).toBeInstanceOf(OutcomeUnknownError);
		expect((settled as OutcomeUnknownError).reason).toBe('deadline');
	});
});

describe('a journal write that lands after the caller gave up', () => {
	it('a late create is undone: the record says pending with no attempt, and a rerun sends it as new', async () => {
		const { journal, held, requests, api, controller, call } = callHeldAtCreate();
		await held.reached;
		controller.abort(new Error('user left'));
		await rejectionOf(call);
		held.release();
		await turns(20);
		const record = await journal.inner.get(api.scope, 'op-1');
		expect(record).toMatchObject({ state: 'pending', attemptsStarted: 0, attemptsFinished: 0, revision: 2 });
		const res = await api.post('charges', { json: { amount: 1 }, operation: 'op-1' });
		expect(res.status).toBe(201);
		expect(requests).toHaveLength(1);
		expect(requests[0]?.headers.get('idempotency-key')).toBe(record?.key);
		expect(await journal.inner.get(api.scope, 'op-1')).toMatchObject({
			state: 'succeeded',
			attemptsStarted: 1,
		});
	});

	it('a late claim is undone: the record keeps the one attempt that was sent, not one that never was', async () => {
		const journal = new StallingJournal();
		const { fetch, requests } = answering(503, 201);
		const api = createClient({
			baseUrl: 'https://api.example.com/',
			journal,
			fetch,
			retry: { baseDelay: 1, maxDelay: 1 },
		});
		// The second claim (revision 3: created claimed, then settled unknown, then this one).
		const held = journal.hold('compareAndSet', (n) => isClaim(n) && (n as JournalRecord).revision === 3);
		const controller = new AbortController();
		const call = api.post('charges', { json: { amount: 1 }, operation: 'op-1', signal: controller.signal });
		await held.reached;
		const before = await journal.inner.get(api.scope, 'op-1');
		expect(before).toMatchObject({ state: 'unknown', attemptsStarted: 1 });
		controller.abort(new Error('user left'));
		const error = await rejectionOf(call);
		// The first attempt may have been applied: not the bare abort reason.
		expect(error).toBeInstanceOf(OutcomeUnknownError);
		expect(requests).toHaveLength(1);
		held.release();
		await turns(20);
		expect(await journal.inner.get(api.scope, 'op-1')).toMatchObject({
			state: 'unknown',
			attemptsStarted: 1,
			attemptsFinished: 1,
			revision: 4,
		});
	});

	it('a late write that someone built on is left alone', async () => {
		const { journal, held, api, controller, call } = callHeldAtCreate();
		await held.reached;
		controller.abort(new Error('user left'));
		await rejectionOf(call);
		// Another runner wrote on top of the record before the late create's undo could.
		const compareAndSet = journal.inner.compareAndSet.bind(journal.inner);
		let undone: JournalRecord | undefined;
		journal.inner.compareAndSet = async (next) => {
			undone = next;
			const stored = await journal.inner.get(next.scope, next.operation);
			if (stored) await compareAndSet({ ...stored, revision: stored.revision + 1 });
			return compareAndSet(next);
		};
		held.release();
		await turns(20);
		expect(undone?.state).toBe('pending');
		expect(await journal.inner.get(api.scope, 'op-1')).toMatchObject({ state: 'inflight', revision: 2 });
	});
});

describe('a journal that answers only as the deadline passes', () => {
	it('the create that took the whole budget counts as not answered: nothing sent, no unknown outcome, undone', async () => {
		vi.useFakeTimers();
		const journal = new StallingJournal();
		const { fetch, requests } = answering(201);
		const api = createClient({
			baseUrl: 'https://api.example.com/',
			journal,
			fetch,
			retry: { maxRetryTime: 5_000 },
		});
		// The journal answers, but the clock has moved past the deadline meanwhile (a slow disk, a suspended laptop).
		const create = journal.inner.create.bind(journal.inner);
		journal.inner.create = async (record) => {
			vi.setSystemTime(Date.now() + 5_000);
			return create(record);
		};
		const error = await rejectionOf(api.post('charges', { json: { amount: 1 }, operation: 'op-1' }));
		expect(error).toBeInstanceOf(JournalError);
		expect((error as Error).message).toMatch(/deadline.*nothing was sent/);
		expect(requests).toHaveLength(0);
		await vi.advanceTimersByTimeAsync(0);
		expect(await journal.inner.get(api.scope, 'op-1')).toMatchObject({
			state: 'pending',
			attemptsStarted: 0,
		});
	});
});

describe('resume() reads the journal within the caller signal and deadline', () => {
	it('abort while the read hangs: the caller gets its abort reason and nothing is sent', async () => {
		const journal = new StallingJournal();
		const { fetch, requests } = answering(201);
		const api = createClient({ baseUrl: 'https://api.example.com/', journal, fetch });
		const held = journal.hold('get');
		const controller = new AbortController();
		const call = api.resume('op-1', { signal: controller.signal });
		await held.reached;
		const reason = new Error('operator pressed ctrl-c');
		controller.abort(reason);
		expect(await rejectionOf(call)).toBe(reason);
		expect(requests).toHaveLength(0);
	});

	it('a read that never answers ends at retry.maxRetryTime with a JournalError saying nothing was sent', async () => {
		vi.useFakeTimers();
		const journal = new StallingJournal();
		const { fetch, requests } = answering(201);
		const api = createClient({ baseUrl: 'https://api.example.com/', journal, fetch });
		journal.hold('get');
		const settled = rejectionOf(api.resume('op-1', { retry: { maxRetryTime: 2_000 } }));
		await vi.advanceTimersByTimeAsync(2_000);
		const error = await settled;
		expect(error).toBeInstanceOf(JournalError);
		expect((error as Error).message).toMatch(/nothing was sent/);
		expect(requests).toHaveLength(0);
	});
});
