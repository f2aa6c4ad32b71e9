import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import {
	createClient,
	InProgressError,
	type Journal,
	type JournalRecord,
	MemoryJournal,
	OutcomeUnknownError,
} from '../../src/index.js';
import { leasedClaim, newLeasedRecord } from '../../src/journal/lease.js';
import { countingReads, passThrough } from '../helpers/counting-journal.js';
import { sendJson } from '../helpers/loopback-server.js';
import { useVirtualTime, waitFor, watch } from '../helpers/virtual-time.js';
import { onTheWireServer } from './on-the-wire.js';
import { fast, refusalOf, rejectionOf, serve } from './support.js';

const SCOPE = 'default';

/** What a process that died mid-attempt leaves: `operation` claimed by `owner` under a lease running to `until`. */
async function leftBy(
	journal: Journal,
	operation: string,
	owner: string,
	until: number,
	extra: Partial<JournalRecord> = {},
	body: unknown = { operation },
): Promise<JournalRecord> {
	// The record the client would make for this request: the fingerprint is read off a real run's record.
	const probe = new MemoryJournal();
	const server = await serve((_req, res) => sendJson(res, 201, {}));
	await createClient({ baseUrl: server.url, journal: probe }).post('orders', { json: body, operation });
	const model = (await probe.get(SCOPE, operation)) as JournalRecord;
	const record = {
		...newLeasedRecord(
			{
				scope: SCOPE,
				operation,
				key: `key-${operation}`,
				fingerprint: model.fingerprint,
				method: 'POST',
				path: model.path,
				now: Date.now(),
				retentionMs: undefined,
				keepMs: 86_400_000,
				request: model.request,
			},
			{ owner, until },
		),
		...extra,
	};
	await journal.create(record);
	return record;
}

describe('two clients sharing one MemoryJournal', () => {
	it('run the same operations at once with never two attempts of one on the wire, one request and one effect each', async () => {
		const wire = await onTheWireServer();
		const journal = new MemoryJournal();
		const a = createClient({ baseUrl: wire.server.url, journal, retry: fast });
		const b = createClient({ baseUrl: wire.server.url, journal, retry: fast });
		const operations = Array.from({ length: 40 }, (_, i) => `order-${i}`);
		const run = (client: typeof a) =>
			Promise.all(operations.map((operation) => client.post('orders', { json: { operation }, operation })));
		const [fromA, fromB] = await Promise.all([run(a), run(b)]);

		expect(wire.overlaps()).toBe(0);
		expect([...wire.effects.values()].every((n) => n === 1)).toBe(true);
		expect(wire.effects.size).toBe(operations.length);
		// The one that found the other's lease sent nothing: one request per operation in all.
		expect(wire.server.received).toHaveLength(operations.length);
		for (const [i, ra] of fromA.entries()) {
			const rb = fromB[i];
			expect(rb?.key).toBe(ra.key);
			expect(rb?.data).toEqual(ra.data);
			expect([ra.fromJournal, rb?.fromJournal].filter(Boolean)).toHaveLength(1);
		}
	});
});

describe("another owner's lease", () => {
	it('is waited on while live, then taken over once it lapses (its owner died): one request, counted as an interruption', async () => {
		const wire = await onTheWireServer();
		const journal = new MemoryJournal();
		const until = Date.now() + 150;
		await leftBy(journal, 'order-1', 'a-dead-process', until);
		const api = createClient({ baseUrl: wire.server.url, journal, retry: fast });
		const res = await api.post('orders', { json: { operation: 'order-1' }, operation: 'order-1' });
		const arrivedAt = Date.now();

		expect(res.status).toBe(201);
		expect(res.key).toBe('key-order-1');
		expect(wire.server.received).toHaveLength(1);
		// Sent only once the dead owner's lease had run out.
		expect(arrivedAt).toBeGreaterThanOrEqual(until);
		const record = await journal.get(SCOPE, 'order-1');
		expect(record?.state).toBe('succeeded');
		expect(record?.interruptions).toBe(1);
		expect(record?.lease?.fence).toBe(2);
		expect(record?.lease?.owner).not.toBe('a-dead-process');
		expect(record?.attemptsStarted).toBe(2);
	});

	it('wakes a waiter as soon as the record is written, on a journal that tells of changes (no looking in between)', async () => {
		let release = () => {};
		const held = new Promise<void>((resolve) => {
			release = resolve;
		});
		const server = await serve(async (_req, res) => {
			await held;
			sendJson(res, 201, { id: 'b1' });
		});
		const journal = new MemoryJournal();
		let subscribed = false;
		const counted = countingReads(journal, {
			subscribe: (listener) => {
				subscribed = true;
				return journal.subscribe(listener);
			},
		});
		const body = { json: { operation: 'order-1' }, operation: 'order-1' };
		const owner = createClient({ baseUrl: server.url, journal }).post('orders', body);
		while (server.received.length === 0) await new Promise((r) => setTimeout(r, 5));
		const waiter = createClient({ baseUrl: server.url, journal: counted }).post('orders', body);
		// The owner's answer comes a while after the waiter began to wait: a waiter that only looked would have looked
		// several times by then (10 ms, then 20, 40, ...); this one's first look is a second away.
		while (!subscribed) await new Promise((r) => setTimeout(r, 5));
		await new Promise((r) => setTimeout(r, 100));
		release();
		const [a, b] = await Promise.all([owner, waiter]);
		expect(b.data).toEqual(a.data);
		expect(b.fromJournal).toBe(true);
		// One read, on the journal's word that the record was written.
		expect(counted.reads).toBe(1);
		expect(server.received).toHaveLength(1);
	});

	it('is renewed while its request is on the wire, however long past leaseMs: the waiter never takes it over', async () => {
		const journal = new MemoryJournal();
		let renewals = 0;
		const counting = passThrough(journal, {
			compareAndSet: async (next) => {
				const stored = await journal.get(next.scope, next.operation);
				const ok = await journal.compareAndSet(next);
				if (ok && stored?.state === 'inflight' && next.state === 'inflight') renewals++;
				return ok;
			},
		});
		// The owner's request is answered only after its lease was renewed three times, so it outlives three leases'
		// worth of renewals; a second request (a takeover) ends the wait too, and fails the test.
		const server = await serve(async (_req, res) => {
			while (renewals < 3 && server.received.length < 2) await new Promise((r) => setTimeout(r, 5));
			sendJson(res, 201, { id: 'b1' });
		});
		const body = { json: { operation: 'order-1' }, operation: 'order-1' };
		const options = { baseUrl: server.url, journal: counting, leaseMs: 300, retry: fast };
		const owner = createClient(options).post('orders', body);
		while (server.received.length === 0) await new Promise((r) => setTimeout(r, 5));
		const waiter = createClient(options).post('orders', body);
		const [a, b] = await Promise.all([owner, waiter]);
		expect(server.received).toHaveLength(1);
		expect(renewals).toBeGreaterThanOrEqual(3);
		expect(b.data).toEqual(a.data);
		expect(b.fromJournal).toBe(true);
		expect((await journal.get(SCOPE, 'order-1'))?.interruptions).toBeUndefined();
	});

	it('holds a waiter no longer than its deadline: InProgressError, nothing sent', async () => {
		const server = await serve((_req, res) => sendJson(res, 201, {}));
		const journal = new MemoryJournal();
		await leftBy(journal, 'order-1', 'a-live-process', Date.now() + 60_000);
		const api = createClient({ baseUrl: server.url, journal, retry: { ...fast, maxRetryTime: 80 } });
		const error = await rejectionOf(
			api.post('orders', { json: { operation: 'order-1' }, operation: 'order-1' }),
		);
		expect(error).toBeInstanceOf(InProgressError);
		expect((error as InProgressError).message).toContain('being sent by another client');
		expect((error as InProgressError).key).toBe('key-order-1');
		expect(server.received).toHaveLength(0);
		expect((await journal.get(SCOPE, 'order-1'))?.lease?.owner).toBe('a-live-process');
	});

	it('holds a waiter no longer than its signal: outcome unknown (the other attempt may land), nothing sent, the record untouched', async () => {
		const server = await serve((_req, res) => sendJson(res, 201, {}));
		const journal = new MemoryJournal();
		const left = await leftBy(journal, 'order-1', 'a-live-process', Date.now() + 60_000);
		const controller = new AbortController();
		const watched = countingReads(journal, {
			// Aborted once the caller is waiting: it has looked at the record again.
			onRead: (reads) => {
				if (reads === 2) controller.abort(new Error('caller gave up'));
			},
		});
		const api = createClient({ baseUrl: server.url, journal: watched, retry: fast });
		const error = await rejectionOf(
			api.post('orders', { json: { operation: 'order-1' }, operation: 'order-1', signal: controller.signal }),
		);
		expect(error).toBeInstanceOf(OutcomeUnknownError);
		expect((error as OutcomeUnknownError).reason).toBe('aborted');
		expect((error as OutcomeUnknownError).cause).toBe(controller.signal.reason);
		expect(server.received).toHaveLength(0);
		expect(await journal.get(SCOPE, 'order-1')).toEqual(left);
	});

	it("of a writer paused past its lease: its late writes do not overwrite the new owner's, it adopts that outcome", async () => {
		const wire = await onTheWireServer();
		const inner = new MemoryJournal();
		// Every record written, in order, whoever wrote it.
		const written: JournalRecord[] = [];
		const journal = passThrough(inner, {
			compareAndSet: async (next) => {
				const ok = await inner.compareAndSet(next);
				if (ok) written.push(next);
				return ok;
			},
		});
		// The paused owner: its renewals never land (a stalled journal connection), and its first request is cut off
		// only once the new owner's request has reached the server.
		const stalled: Journal = {
			...journal,
			compareAndSet: async (next) => {
				const stored = await journal.get(next.scope, next.operation);
				const renewal = stored?.state === 'inflight' && next.state === 'inflight';
				return renewal && stored.attemptsStarted === next.attemptsStarted
					? false
					: journal.compareAndSet(next);
			},
		};
		let calls = 0;
		const cutOff: typeof fetch = async (input, init) => {
			if (calls++ > 0) return fetch(input, init);
			while (wire.server.received.length === 0) await new Promise((r) => setTimeout(r, 5));
			throw new TypeError('fetch failed');
		};
		const body = { json: { operation: 'order-1' }, operation: 'order-1' };
		const paused = createClient({
			baseUrl: wire.server.url,
			journal: stalled,
			fetch: cutOff,
			leaseMs: 60,
			retry: fast,
		});
		const first = paused.post('orders', body);
		// The new owner arrives once the paused one holds the operation.
		while (!(await journal.get(SCOPE, 'order-1'))) await new Promise((r) => setTimeout(r, 5));
		const taker = createClient({ baseUrl: wire.server.url, journal, leaseMs: 60, retry: fast });
		const [late, taken] = await Promise.all([first, taker.post('orders', body)]);

		expect(taken.fromJournal).toBe(false);
		expect(late.fromJournal).toBe(true);
		expect(late.data).toEqual(taken.data);
		expect(wire.server.received).toHaveLength(1);
		// From the takeover on, the new owner's attempt stayed recorded as on the wire until its answer came.
		const takeover = written.findIndex((r) => r.lease?.fence === 2);
		expect(written.slice(takeover).map((r) => r.state)).toEqual([
			...written.slice(takeover, -1).map(() => 'inflight'),
			'succeeded',
		]);
		const record = await journal.get(SCOPE, 'order-1');
		expect(record?.state).toBe('succeeded');
		expect(record?.interruptions).toBe(1);
	});
});

describe('a waiter on a lease that lapses', () => {
	it('takes it over as it lapses, not at its next look a second away; the wait is on the record, no listener is left', async () => {
		useVirtualTime();
		try {
			const server = await serve((_req, res) => sendJson(res, 201, { id: 'b1' }));
			const journal = new MemoryJournal();
			await leftBy(journal, 'order-1', 'a-dead-process', Date.now() + 100);
			let listening = 0;
			const counted = passThrough(journal, {
				// A journal that tells of changes: the waiter's own looks are a second apart.
				subscribe: (listener) => {
					listening++;
					const stop = journal.subscribe(listener);
					return () => {
						listening--;
						stop();
					};
				},
			});
			const api = createClient({ baseUrl: server.url, journal: counted, retry: fast });
			const call = watch(api.post('orders', { json: { operation: 'order-1' }, operation: 'order-1' }));
			await waitFor(() => listening === 1, 'the wait');
			await vi.advanceTimersByTimeAsync(101);
			await waitFor(() => server.received.length === 1, 'the takeover, once the lease lapsed');
			const { value } = await call.outcome;
			expect(value?.status).toBe(201);
			expect(listening).toBe(0);
			const record = await journal.get(SCOPE, 'order-1');
			expect([record?.interruptions, record?.lease?.fence]).toEqual([1, 2]);
			expect(record?.history?.at(-1)?.waitedMs).toBeGreaterThanOrEqual(100);
		} finally {
			vi.useRealTimers();
		}
	});
});

describe('a renewal that finds its lease taken over', () => {
	it("renews no more, and the attempt's writes adopt the new owner's record rather than write over it", async () => {
		useVirtualTime();
		try {
			const journal = new MemoryJournal();
			// The request stays on the wire until the test answers it (no socket: virtual time alone decides).
			let answer: ((response: Response) => void) | undefined;
			const sends: string[] = [];
			const held: typeof fetch = (input) =>
				new Promise((resolve) => {
					sends.push(String(input));
					answer = resolve;
				});
			const api = createClient({
				baseUrl: 'https://api.test/',
				journal,
				fetch: held,
				leaseMs: 300,
				timeout: 60_000,
				retry: { ...fast, maxRetryTime: 3_000 },
			});
			const call = watch(api.post('orders', { json: { operation: 'order-1' }, operation: 'order-1' }));
			await waitFor(() => answer !== undefined, 'the request on the wire');
			// Its own lease, renewed every third of it while the request is out.
			await vi.advanceTimersByTimeAsync(100);
			const ours = (await journal.get(SCOPE, 'order-1')) as JournalRecord;
			expect([ours.lease?.fence, ours.revision]).toEqual([1, 2]);
			// Another client takes the operation over (this one's renewals had stalled past the lease): a higher fence.
			const theirs = {
				...leasedClaim(ours, Date.now(), { owner: 'client-b', until: Date.now() + 60_000 }),
				revision: ours.revision + 1,
			};
			expect(await journal.compareAndSet(theirs)).toBe(true);
			// Several renewal periods: the first renewal loses its race and reads the takeover, then none is made.
			await vi.advanceTimersByTimeAsync(1_000);
			expect(await journal.get(SCOPE, 'order-1')).toEqual(theirs);
			// Its request answers "try again": that says nothing over the new owner's claim, so it is not written.
			answer?.(new Response('{}', { status: 503, headers: { 'content-type': 'application/json' } }));
			await vi.advanceTimersByTimeAsync(3_000);
			const { error } = await call.outcome;
			expect(error).toBeInstanceOf(InProgressError);
			expect((error as InProgressError).message).toContain('sent 1 attempt of it');
			expect(sends).toHaveLength(1);
			expect(await journal.get(SCOPE, 'order-1')).toEqual(theirs);
		} finally {
			vi.useRealTimers();
		}
	});
});

/**
A browser page that is offline (`navigator.onLine` false, its `online` event on globalThis), so that every attempt
waits before it is sent; `waiting` counts the waits begun. Undo with `vi.unstubAllGlobals()`.
*/
function offlinePage() {
	const page = new EventTarget();
	const navigator = { onLine: false };
	let waiting = 0;
	vi.stubGlobal('navigator', navigator);
	vi.stubGlobal('addEventListener', (type: string, listener: () => void) => {
		waiting++;
		page.addEventListener(type, listener);
	});
	vi.stubGlobal('removeEventListener', (type: string, listener: () => void) =>
		page.removeEventListener(type, listener),
	);
	return {
		waiting: () => waiting,
		goOnline() {
			navigator.onLine = true;
			page.dispatchEvent(new Event('online'));
		},
	};
}

describe('the claim made with the record', () => {
	it('is renewed while its first attempt waits to leave (offline): nobody takes it over and sends alongside', async () => {
		const wire = await onTheWireServer();
		const journal = new MemoryJournal();
		// A page that is offline: every attempt waits for its online event before it is sent.
		const page = offlinePage();
		try {
			const options = {
				baseUrl: wire.server.url,
				journal,
				leaseMs: 200,
				retry: { ...fast, maxRetryTime: 30_000 },
			};
			const body = { json: { operation: 'order-1' }, operation: 'order-1' };
			const first = createClient(options).post('orders', body);
			while (page.waiting() < 1) await sleep(5);
			// Offline for several of the first claim's leases, then another tab runs the same operation.
			await sleep(700);
			const second = createClient(options).post('orders', body);
			while (page.waiting() < 2) await sleep(5);
			page.goOnline();
			const [a, b] = await Promise.all([first, second]);

			expect(wire.server.received).toHaveLength(1);
			expect(wire.overlaps()).toBe(0);
			expect([a.fromJournal, b.fromJournal]).toEqual([false, true]);
			expect(b.data).toEqual(a.data);
			const record = await journal.get(SCOPE, 'order-1');
			expect([record?.interruptions, record?.lease?.fence]).toEqual([undefined, 1]);
		} finally {
			vi.unstubAllGlobals();
		}
	});

	it("taken over while it waited offline (its renewals lost), is not renewed over the new owner's claim and sent", async () => {
		useVirtualTime();
		const page = offlinePage();
		try {
			const inner = new MemoryJournal();
			// Its renewals are lost (a stalled connection to the store) until another client has taken over.
			let renewalsLost = true;
			const journal = passThrough(inner, {
				compareAndSet: async (next) => {
					const stored = await inner.get(next.scope, next.operation);
					const renewal =
						stored?.state === 'inflight' &&
						next.state === 'inflight' &&
						stored.attemptsStarted === next.attemptsStarted;
					return renewal && renewalsLost ? false : inner.compareAndSet(next);
				},
			});
			const sends: string[] = [];
			const fetch: typeof globalThis.fetch = async (input) => {
				sends.push(String(input));
				return Response.json({ id: 'b1' }, { status: 201 });
			};
			const api = createClient({
				baseUrl: 'https://api.test/',
				journal,
				fetch,
				leaseMs: 300,
				retry: { ...fast, maxRetryTime: 5_000 },
			});
			const call = watch(api.post('orders', { json: { operation: 'order-1' }, operation: 'order-1' }));
			await waitFor(() => page.waiting() === 1, 'the first attempt waiting to go online');
			await vi.advanceTimersByTimeAsync(301);
			// Its lease lapsed: another client takes the operation over, and its attempt is on the wire.
			const ours = (await inner.get(SCOPE, 'order-1')) as JournalRecord;
			const theirs = {
				...leasedClaim(ours, Date.now(), { owner: 'client-b', until: Date.now() + 60_000 }),
				revision: ours.revision + 1,
			};
			expect(await inner.compareAndSet(theirs)).toBe(true);
			renewalsLost = false;
			// The next renewal loses its race and reads the takeover.
			await vi.advanceTimersByTimeAsync(100);
			page.goOnline();
			// Back online with its lease lapsed: it waits for the other client's attempt (to its deadline), sending nothing.
			await vi.advanceTimersByTimeAsync(5_000);
			const { error } = await call.outcome;
			expect(error).toBeInstanceOf(InProgressError);
			expect(sends).toHaveLength(0);
			expect(await inner.get(SCOPE, 'order-1')).toEqual(theirs);
		} finally {
			vi.useRealTimers();
			vi.unstubAllGlobals();
		}
	});
});

describe('the claim made with the record, taken over before its lease ran out', () => {
	it("(a forced resume elsewhere) is not sent once a renewal has read the new owner's claim, though its own lease is live", async () => {
		useVirtualTime();
		const page = offlinePage();
		try {
			const inner = new MemoryJournal();
			const sends: string[] = [];
			const fetch: typeof globalThis.fetch = async (input) => {
				sends.push(String(input));
				return Response.json({ id: 'b1' }, { status: 201 });
			};
			const api = createClient({
				baseUrl: 'https://api.test/',
				journal: inner,
				fetch,
				leaseMs: 3_000,
				retry: { ...fast, maxRetryTime: 5_000 },
			});
			const call = watch(api.post('orders', { json: { operation: 'order-1' }, operation: 'order-1' }));
			await waitFor(() => page.waiting() === 1, 'the first attempt waiting to go online');
			await vi.advanceTimersByTimeAsync(500);
			const ours = (await inner.get(SCOPE, 'order-1')) as JournalRecord;
			const theirs = {
				...leasedClaim(ours, Date.now(), { owner: 'client-b', until: Date.now() + 60_000 }),
				revision: ours.revision + 1,
			};
			expect(await inner.compareAndSet(theirs)).toBe(true);
			// A renewal (every leaseMs / 3) reads the takeover; the page comes back before its own claim's lease ends.
			await vi.advanceTimersByTimeAsync(1_100);
			page.goOnline();
			await vi.advanceTimersByTimeAsync(5_000);
			const { error } = await call.outcome;
			expect(error).toBeInstanceOf(InProgressError);
			expect(sends).toHaveLength(0);
			expect(await inner.get(SCOPE, 'order-1')).toEqual(theirs);
		} finally {
			vi.useRealTimers();
			vi.unstubAllGlobals();
		}
	});
});

describe("a journal's own clock", () => {
	it("decides when a lease lapses, not this machine's, and is asked once, not per call", async () => {
		const wire = await onTheWireServer();
		const journal = new MemoryJournal();
		// The store's clock runs ten minutes ahead of this machine's.
		const AHEAD = 600_000;
		let asked = 0;
		const clocked = passThrough(journal, {
			now: async () => {
				asked++;
				return Date.now() + AHEAD;
			},
		});
		// A dead owner's lease, lapsing 150 ms from now on the store's clock (read by this machine's, ten minutes on).
		const until = Date.now() + AHEAD + 150;
		await leftBy(journal, 'order-0', 'a-dead-process', until);
		const api = createClient({
			baseUrl: wire.server.url,
			journal: clocked,
			retry: { ...fast, maxRetryTime: 10_000 },
		});
		const res = await api.post('orders', { json: { operation: 'order-0' }, operation: 'order-0' });
		expect(res.fromJournal).toBe(false);
		expect(wire.server.received).toHaveLength(1);
		// Its claims are stamped on the store's clock too.
		const record = await journal.get(SCOPE, 'order-0');
		expect(record?.lease?.until).toBeGreaterThan(until);

		for (let i = 1; i <= 20; i++)
			await api.post('orders', { json: { operation: `order-${i}` }, operation: `order-${i}` });
		expect(asked).toBe(1);
	});
});

describe('resume with force', () => {
	it("takes over another owner's live lease at once (the caller knows that process is gone), under the same key", async () => {
		const wire = await onTheWireServer();
		const journal = new MemoryJournal();
		await leftBy(journal, 'order-1', 'a-killed-process', Date.now() + 60_000);
		const api = createClient({ baseUrl: wire.server.url, journal, retry: { ...fast, maxRetryTime: 5_000 } });
		const res = await api.resume('order-1', { force: true });
		expect([res.status, res.key]).toEqual([201, 'key-order-1']);
		expect(wire.server.received).toHaveLength(1);
		const record = await journal.get(SCOPE, 'order-1');
		expect([record?.state, record?.interruptions, record?.lease?.fence]).toEqual(['succeeded', 1, 2]);
	});

	// Forcing is the explicit choice a set-aside operation waits for: the takeover it asks for must not set it aside.
	it.each([
		['a live lease after four interruptions', 60_000, { interruptions: 4 }, {}],
		['a lapsed lease, on a client that sets aside at the first', -1, {}, { maxInterruptedAttempts: 1 }],
	])('runs it even when that takeover would set it aside: %s', async (_, leaseLeft, extra, options) => {
		const wire = await onTheWireServer();
		const journal = new MemoryJournal();
		await leftBy(journal, 'order-1', 'a-killed-process', Date.now() + leaseLeft, extra);
		const retry = { ...fast, maxRetryTime: 5_000 };
		const api = createClient({ baseUrl: wire.server.url, journal, retry, ...options });
		const res = await api.resume('order-1', { force: true });
		expect([res.status, res.key]).toEqual([201, 'key-order-1']);
		expect(wire.server.received).toHaveLength(1);
		const record = await journal.get(SCOPE, 'order-1');
		expect([record?.state, record?.setAsideAt, record?.interruptions, record?.lease?.fence]).toEqual([
			'succeeded',
			undefined,
			1,
			2,
		]);
	});
});

describe('an operation interrupted maxInterruptedAttempts times', () => {
	const setUp = async () => {
		const wire = await onTheWireServer();
		const journal = new MemoryJournal();
		// Four owners died mid-attempt before; the fifth's lease has lapsed too.
		await leftBy(journal, 'poison', 'fifth-dead-process', Date.now() - 1, { interruptions: 4 });
		const api = createClient({ baseUrl: wire.server.url, journal, retry: fast });
		return { wire, journal, api, body: { json: { operation: 'poison' }, operation: 'poison' } };
	};

	it('is set aside: every run fails with OutcomeUnknownError saying how to resume it, and nothing is sent', async () => {
		const { wire, journal, api, body } = await setUp();
		for (let run = 0; run < 2; run++) {
			const error = await rejectionOf(api.post('orders', body));
			expect(error).toBeInstanceOf(OutcomeUnknownError);
			expect((error as OutcomeUnknownError).reason).toBe('interrupted');
			expect((error as Error).message).toContain('resume("poison", { force: true })');
		}
		expect(wire.server.received).toHaveLength(0);
		const record = await journal.get(SCOPE, 'poison');
		expect([record?.state, record?.interruptions, typeof record?.setAsideAt]).toEqual([
			'unknown',
			5,
			'number',
		]);
	});

	it('is listed by pending(), skipped and reported by resumeAll(), and run by resume() with force only', async () => {
		const { wire, api, body } = await setUp();
		await rejectionOf(api.post('orders', body));
		const pending = await api.pending();
		expect(pending.map((r) => [r.operation, typeof r.setAsideAt])).toEqual([['poison', 'number']]);

		const reports = await api.resumeAll();
		expect(reports).toHaveLength(1);
		const [report] = reports;
		expect(report?.ok).toBe(false);
		expect(report?.ok === false && report.error).toBeInstanceOf(OutcomeUnknownError);
		expect(await rejectionOf(api.resume('poison'))).toBeInstanceOf(OutcomeUnknownError);
		expect(wire.server.received).toHaveLength(0);

		const res = await api.resume('poison', { force: true });
		expect(res.status).toBe(201);
		expect(res.key).toBe('key-poison');
		expect(wire.server.received).toHaveLength(1);
		const record = await api.journal.get(SCOPE, 'poison');
		expect([record?.state, record?.setAsideAt, record?.interruptions]).toEqual(['succeeded', undefined, 0]);
	});
});

describe('a claim by another owner landing first', () => {
	it('makes the loser wait for that attempt rather than claim over it', async () => {
		const wire = await onTheWireServer();
		const journal = new MemoryJournal();
		const body = { json: { operation: 'order-1' }, operation: 'order-1' };
		// The operation ended unknown earlier; both clients now race to claim it again.
		const left = await leftBy(journal, 'order-1', 'earlier', Date.now() - 1);
		await journal.compareAndSet({ ...left, state: 'unknown', revision: 2, attemptsFinished: 1 });
		const a = createClient({ baseUrl: wire.server.url, journal, retry: fast });
		const b = createClient({ baseUrl: wire.server.url, journal, retry: fast });
		const [ra, rb] = await Promise.all([a.post('orders', body), b.post('orders', body)]);
		expect(wire.overlaps()).toBe(0);
		expect(wire.server.received).toHaveLength(1);
		expect([ra.fromJournal, rb.fromJournal].sort()).toEqual([false, true]);
		expect((await journal.get(SCOPE, 'order-1'))?.lease?.fence).toBe(2);
	});
});

describe('a claim that lands only once its lease has run out', () => {
	it('is renewed before its request leaves, or else the client that took it over is waited on: one request', async () => {
		let release = () => {};
		const second = new Promise<void>((resolve) => {
			release = resolve;
		});
		// Each request is held until another arrives (two on the wire at once) or a while has passed.
		const server = await serve(async (_req, res) => {
			if (server.received.length >= 2) release();
			await Promise.race([second, sleep(300)]);
			sendJson(res, 201, { id: 'b1' });
		});
		const journal = new MemoryJournal();
		const body = { json: { operation: 'order-1' }, operation: 'order-1' };
		const left = await leftBy(journal, 'order-1', 'earlier', Date.now() - 1);
		await journal.compareAndSet({ ...left, state: 'unknown', revision: 2, attemptsFinished: 1 });
		const options = { baseUrl: server.url, retry: fast, leaseMs: 50 };
		let other: Promise<unknown> | undefined;
		// The first client's claim is stuck behind other writes until its lease has run out; then another client comes.
		const stuck = passThrough(journal, {
			compareAndSet: async (next) => {
				if (!other && next.state === 'inflight' && next.lease) {
					while (Date.now() <= next.lease.until) await sleep(5);
					const ok = await journal.compareAndSet(next);
					other = createClient({ ...options, journal }).post('orders', body);
					return ok;
				}
				return journal.compareAndSet(next);
			},
		});
		const first = await createClient({ ...options, journal: stuck }).post('orders', body);
		await other;
		expect(server.received).toHaveLength(1);
		expect(first.status).toBe(201);
	});
});

describe('the lease options', () => {
	it.each<[string, Record<string, unknown>, string]>([
		['leaseMs under 3 ms (no time to renew)', { leaseMs: 2 }, 'leaseMs'],
		['leaseMs past a day', { leaseMs: 86_400_001 }, 'leaseMs'],
		['leaseMs not whole', { leaseMs: 10.5 }, 'leaseMs'],
		['leaseMs as a string', { leaseMs: '30000' }, 'leaseMs'],
		['maxInterruptedAttempts 0', { maxInterruptedAttempts: 0 }, 'maxInterruptedAttempts'],
		['maxInterruptedAttempts not whole', { maxInterruptedAttempts: 2.5 }, 'maxInterruptedAttempts'],
		['maxInterruptedAttempts NaN', { maxInterruptedAttempts: Number.NaN }, 'maxInterruptedAttempts'],
	])('refuses %s at createClient, naming it', (_name, options, field) => {
		const error = refusalOf(() => createClient(options));
		expect(error.field).toBe(field);
		expect(error.message).toContain(field);
	});

	it.each([
		{ leaseMs: 3 },
		{ leaseMs: 86_400_000 },
		{ maxInterruptedAttempts: 1 },
		{ maxInterruptedAttempts: Number.POSITIVE_INFINITY },
	])('accepts %o', (options) => {
		expect(() => createClient(options)).not.toThrow();
	});
});

// Kept apart from the conformance suite: the client's reading of leases the suite cannot see.
describe('leasedClaim over a record left by a client without leases', () => {
	it('reads its inflight claim as lapsed: taken over at once', () => {
		const { lease: _, ...old } = newLeasedRecord(
			{
				scope: SCOPE,
				operation: 'op',
				key: 'k',
				fingerprint: 'f',
				method: 'POST',
				path: '/p',
				now: 1,
				retentionMs: undefined,
				keepMs: 1,
			},
			{ owner: 'x', until: 2 },
		);
		const next = leasedClaim(old, 3, { owner: 'me', until: 4 });
		expect([next.lease?.fence, next.interruptions]).toEqual([1, 1]);
	});
});
