import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import {
	bardge,
	createClient,
	InProgressError,
	InvalidRequestError,
	isKeyExpiredError,
	isOperationAbandonedError,
	JournalError,
	type JournalRecord,
	KeyExpiredError,
	KeyReuseError,
	MemoryJournal,
	OperationAbandonedError,
	OutcomeUnknownError,
	type ResumeError,
} from '../../src/index.js';
import { newClaimedRecord } from '../../src/journal/lifecycle.js';
import { type Received, sendJson } from '../helpers/loopback-server.js';
import { fast, rejectionOf, serve } from '../operation/support.js';

const booking = { classId: 'c7', clientId: 'u42' };

afterEach(() => {
	vi.useRealTimers();
});

/**
An IETF-style server that applies each key once and stores the answer; it drops every connection while `down`
(after applying the request when `applyWhileDown` is set: the "answer lost" case).
*/
async function bookingServer(options: { applyWhileDown?: boolean } = {}) {
	const state = { down: true, effects: new Map<string, number>() };
	const server = await serve((req: Received, res) => {
		const key = String(req.headers['idempotency-key'] ?? '');
		const apply = () => state.effects.set(key, (state.effects.get(key) ?? 0) + 1);
		if (state.down) {
			if (options.applyWhileDown && !state.effects.has(key)) apply();
			return void res.socket?.destroy();
		}
		if (!state.effects.has(key)) apply();
		sendJson(res, 201, { id: `b-${key.slice(0, 8)}`, body: JSON.parse(req.body.toString() || 'null') });
	});
	return { server, state };
}

/** Leaves `count` operations interrupted (outcome unknown) in `journal`, as a crashed or timed-out run would. */
async function interrupted(url: string, journal: MemoryJournal, count: number, extra: object = {}) {
	const api = createClient({ baseUrl: url, journal, retry: { ...fast, limit: 0 }, ...extra });
	for (let i = 0; i < count; i++) {
		const error = await rejectionOf(
			api.post('bookings', { json: { ...booking, n: i }, operation: `book:${i}` }),
		);
		expect(error).toBeInstanceOf(OutcomeUnknownError);
	}
}

describe('client.pending()', () => {
	it('lists the unfinished operations of the client scope only, oldest first, and not the finished ones', async () => {
		const { server, state } = await bookingServer();
		const journal = new MemoryJournal();
		await interrupted(server.url, journal, 2);
		const other = createClient({
			baseUrl: server.url,
			journal,
			scope: 'other',
			retry: { ...fast, limit: 0 },
		});
		await rejectionOf(other.post('bookings', { json: booking, operation: 'elsewhere' }));
		state.down = false;
		const api = createClient({ baseUrl: server.url, journal });
		await api.post('bookings', { json: booking, operation: 'done' });

		const pending = await api.pending();
		expect(pending.map((r) => r.operation)).toEqual(['book:0', 'book:1']);
		expect(pending.every((r) => r.state === 'unknown' && r.scope === 'default')).toBe(true);
		expect(Object.isFrozen(pending)).toBe(true);
	});

	it('raises a JournalError when the journal cannot list', async () => {
		const journal = new MemoryJournal();
		journal.listUnfinished = async () => {
			throw new Error('connection refused');
		};
		const api = createClient({ baseUrl: 'http://127.0.0.1:9/', journal });
		const error = await rejectionOf(api.pending());
		expect(error).toBeInstanceOf(JournalError);
		expect((error as Error).message).toContain('connection refused');
	});
});

describe('client.resume()', () => {
	it('resends the journaled request with its original key and bytes, applying it once', async () => {
		const { server, state } = await bookingServer({ applyWhileDown: true });
		const journal = new MemoryJournal();
		await interrupted(server.url, journal, 1);
		const first = server.received[0] as Received;
		state.down = false;

		// A fresh client, as after a restart: only the journal survived.
		const api = createClient({ baseUrl: server.url, journal, headers: { authorization: 'Bearer s3cret' } });
		const res = await api.resume('book:0');

		expect(res.status).toBe(201);
		expect(res.key).toBe(first.headers['idempotency-key']);
		const resent = server.received[1] as Received;
		expect(resent.headers['idempotency-key']).toBe(first.headers['idempotency-key']);
		expect(resent.body.equals(first.body)).toBe(true);
		expect(resent.headers['content-type']).toBe('application/json');
		// Secrets come from the client, never from the journal.
		expect(resent.headers.authorization).toBe('Bearer s3cret');
		expect([...state.effects.values()]).toEqual([1]);
		expect(await api.pending()).toEqual([]);
	});

	it('answers a finished operation from the journal without a request', async () => {
		const { server, state } = await bookingServer();
		state.down = false;
		const api = createClient({ baseUrl: server.url });
		await api.post('bookings', { json: booking, operation: 'book' });
		const res = await api.resume('book');
		expect(res).toMatchObject({ fromJournal: true, replayed: true, attempts: 0, status: 201 });
		expect(server.received).toHaveLength(1);
	});

	it('checks a caller-supplied request against the stored fingerprint and sends it under the stored key', async () => {
		const { server, state } = await bookingServer();
		const journal = new MemoryJournal();
		await interrupted(server.url, journal, 1, { storeBodies: false });
		state.down = false;
		const api = createClient({ baseUrl: server.url, journal });

		// Journaled without its body: the caller must supply the request.
		const missing = await rejectionOf(api.resume('book:0'));
		expect(missing).toBeInstanceOf(InvalidRequestError);
		expect((missing as Error).message).toContain('storeBodies: false');

		const other = await rejectionOf(api.resume('book:0', { request: { json: { ...booking, n: 9 } } }));
		expect(other).toBeInstanceOf(KeyReuseError);
		expect(server.received).toHaveLength(1);

		const res = await api.resume('book:0', { request: { json: { ...booking, n: 0 } } });
		expect(res.status).toBe(201);
		expect(res.key).toBe(server.received[0]?.headers['idempotency-key']);
	});

	it('raises InvalidRequestError for an operation the journal does not know', async () => {
		const api = createClient({ baseUrl: 'http://127.0.0.1:9/' });
		const error = await rejectionOf(api.resume('nope'));
		expect(error).toBeInstanceOf(InvalidRequestError);
		expect((error as InvalidRequestError).field).toBe('operation');
	});
});

describe('expired keys', () => {
	/** A Bardge operation interrupted, then resumed after the 90 s retention. */
	async function expiredBardge(onExpired?: Parameters<typeof createClient>[0] extends infer O ? O : never) {
		vi.useFakeTimers({ toFake: ['Date'] });
		const { server, state } = await bookingServer({ applyWhileDown: true });
		const journal = new MemoryJournal();
		await interrupted(server.url, journal, 1, { dialect: bardge });
		state.down = false;
		vi.setSystemTime(Date.now() + 91_000);
		const api = createClient({ baseUrl: server.url, journal, dialect: bardge, ...onExpired });
		return { server, state, journal, api };
	}

	it('raises KeyExpiredError instead of resending when no onExpired hook decides', async () => {
		const { server, api } = await expiredBardge();
		const error = await rejectionOf(api.resume('book:0'));
		expect(error).toBeInstanceOf(KeyExpiredError);
		expect(server.received).toHaveLength(1);
	});

	it('onExpired "resend" sends it again under a new key, once', async () => {
		const seen: JournalRecord[] = [];
		const { server, api, state } = await expiredBardge({
			onExpired: (record) => {
				seen.push(record);
				return { action: 'resend' };
			},
		});
		const firstKey = server.received[0]?.headers['idempotency-key'];
		const res = await api.resume('book:0');
		expect(seen.map((r) => r.operation)).toEqual(['book:0']);
		expect(Object.isFrozen(seen[0])).toBe(true);
		expect(res.status).toBe(201);
		expect(res.key).not.toBe(firstKey);
		expect(server.received[1]?.headers['idempotency-key']).toBe(res.key);
		expect(state.effects.size).toBe(2);
	});

	it('onExpired "result" records what the caller found and returns it without a request', async () => {
		const { server, api } = await expiredBardge({
			onExpired: () => ({ action: 'result', status: 201, data: { id: 'b-found' } }),
		});
		const res = await api.resume('book:0');
		expect(res).toMatchObject({ status: 201, data: { id: 'b-found' }, fromJournal: true });
		expect(server.received).toHaveLength(1);
		// Recorded: a later run of the same operation gets the same answer, still without a request.
		const again = await api.post('bookings', { json: { ...booking, n: 0 }, operation: 'book:0' });
		expect(again.data).toEqual({ id: 'b-found' });
		expect(server.received).toHaveLength(1);
		expect(await api.pending()).toEqual([]);
	});

	it('onExpired "abandon" marks it failed: KeyExpiredError now and on every later run, never a request', async () => {
		const { server, api } = await expiredBardge({ onExpired: () => ({ action: 'abandon' }) });
		expect(await rejectionOf(api.resume('book:0'))).toBeInstanceOf(KeyExpiredError);
		expect(await api.pending()).toEqual([]);
		const later = await rejectionOf(
			api.post('bookings', { json: { ...booking, n: 0 }, operation: 'book:0' }),
		);
		expect(isKeyExpiredError(later)).toBe(true);
		expect(server.received).toHaveLength(1);
	});

	it('an onExpired hook that throws or answers nonsense leaves the operation untouched', async () => {
		const { api } = await expiredBardge();
		const thrown = await rejectionOf(
			api.resume('book:0', {
				onExpired: () => {
					throw new Error('lookup failed');
				},
			}),
		);
		expect(thrown).toBeInstanceOf(KeyExpiredError);
		expect((thrown as Error).cause).toEqual(new Error('lookup failed'));
		const nonsense = await rejectionOf(
			api.resume('book:0', { onExpired: () => ({ action: 'retry' }) as never }),
		);
		expect(nonsense).toBeInstanceOf(InvalidRequestError);
		expect((await api.pending()).map((r) => r.state)).toEqual(['unknown']);
	});
});

describe('client.resumeAll()', () => {
	it('resumes every pending operation with at most `concurrency` requests in flight, one report each', async () => {
		let inFlight = 0;
		let peak = 0;
		const journal = new MemoryJournal();
		const { server, state } = await bookingServer();
		await interrupted(server.url, journal, 6);
		state.down = false;
		// Each request is held until a second one is in flight (or none can come any more): two at once is then what
		// happens on any machine, not a matter of the second arriving within some milliseconds of the first.
		let received = 0;
		const held: (() => void)[] = [];
		const slow = await serve(async (req, res) => {
			inFlight++;
			received++;
			peak = Math.max(peak, inFlight);
			await new Promise<void>((resolve) => {
				held.push(resolve);
				if (held.length >= 2 || received === 6) for (const release of held.splice(0)) setImmediate(release);
			});
			inFlight--;
			sendJson(res, 201, { ok: req.headers['idempotency-key'] });
		});
		// Resume against the slow server: the stored URL is absolute, so point the journaled requests there.
		for (const record of await journal.listUnfinished('default')) {
			const next = { ...record, revision: record.revision + 1 } as JournalRecord;
			if (next.request)
				next.request = { ...next.request, url: next.request.url.replace(server.url, slow.url) };
			await journal.compareAndSet(next);
		}
		const api = createClient({ baseUrl: slow.url, journal });
		const reports = await api.resumeAll({ concurrency: 2 });

		expect(reports.map((r) => r.operation)).toEqual([
			'book:0',
			'book:1',
			'book:2',
			'book:3',
			'book:4',
			'book:5',
		]);
		expect(reports.every((r) => r.ok)).toBe(true);
		expect(peak).toBe(2);
		expect(await api.pending()).toEqual([]);
	});

	it('reports each failure without rejecting, and rejects a bad concurrency', async () => {
		const { server } = await bookingServer();
		const journal = new MemoryJournal();
		await interrupted(server.url, journal, 2);
		const api = createClient({ baseUrl: server.url, journal, retry: { ...fast, limit: 0 } });
		const reports = await api.resumeAll();
		expect(reports).toHaveLength(2);
		for (const report of reports) {
			expect(report.ok).toBe(false);
			if (!report.ok) expect(report.error).toBeInstanceOf(OutcomeUnknownError);
		}
		expect(await rejectionOf(api.resumeAll({ concurrency: 0 }))).toBeInstanceOf(InvalidRequestError);
	});
});

describe('client.abandon() and client.resolve()', () => {
	/** One operation stuck in `unknown` (every connection dropped), and a client on a fresh process's footing. */
	async function stuck() {
		const { server, state } = await bookingServer();
		const journal = new MemoryJournal();
		await interrupted(server.url, journal, 1);
		const api = createClient({ baseUrl: server.url, journal, retry: { ...fast, limit: 0 } });
		return { server, state, journal, api };
	}
	const rerun = (api: ReturnType<typeof createClient>) =>
		api.post('bookings', { json: { ...booking, n: 0 }, operation: 'book:0' });

	it('abandon journals it as failed: pending() and resumeAll() drop it, every later run raises OperationAbandonedError unsent', async () => {
		const { server, state, api } = await stuck();
		state.down = false;

		const record = await api.abandon('book:0', { reason: 'typo in the port' });

		expect(record).toMatchObject({
			state: 'failed',
			outcome: { error: 'abandoned', byHand: { action: 'abandon', reason: 'typo in the port' } },
		});
		expect(Object.isFrozen(record)).toBe(true);
		expect(await api.pending()).toEqual([]);
		expect(await api.resumeAll()).toEqual([]);
		const later = await rejectionOf(rerun(api));
		expect(later).toBeInstanceOf(OperationAbandonedError);
		expect(isOperationAbandonedError(later)).toBe(true);
		expect(later).toMatchObject({ code: 'abandoned', operation: 'book:0', reason: 'typo in the port' });
		expect((later as Error).message).toContain('typo in the port');
		expect(await rejectionOf(api.resume('book:0'))).toBeInstanceOf(OperationAbandonedError);
		// Only the first, lost attempt ever reached the server.
		expect(server.received).toHaveLength(1);
	});

	it('resolve journals the outcome found: later runs answer its status and data from the journal, unsent', async () => {
		const { server, api } = await stuck();

		const record = await api.resolve('book:0', {
			status: 201,
			data: { id: 'b-found' },
			reason: 'in the dashboard',
		});

		expect(record).toMatchObject({
			state: 'succeeded',
			outcome: { status: 201, byHand: { action: 'resolve' } },
		});
		expect(await api.pending()).toEqual([]);
		const res = await rerun(api);
		expect(res).toMatchObject({ status: 201, data: { id: 'b-found' }, fromJournal: true, attempts: 0 });
		expect(server.received).toHaveLength(1);
	});

	it('refuses an operation with an attempt in flight unless forced, and one this client is sending even so', async () => {
		const journal = new MemoryJournal();
		// A process that claimed an attempt and died before recording an answer leaves the record inflight.
		await journal.create(
			newClaimedRecord({
				scope: 'default',
				operation: 'crashed',
				key: 'k-1',
				fingerprint: 'f',
				method: 'POST',
				path: '/bookings',
				now: Date.now(),
				retentionMs: undefined,
				keepMs: 1_000,
			}),
		);
		let release: () => void = () => {};
		const held = new Promise<void>((resolve) => {
			release = resolve;
		});
		const server = await serve(async (_req, res) => {
			await held;
			sendJson(res, 201, { id: 'b-1' });
		});
		const api = createClient({ baseUrl: server.url, journal });

		const refused = await rejectionOf(api.abandon('crashed'));
		expect(refused).toBeInstanceOf(InProgressError);
		expect((refused as Error).message).toContain('force');
		expect((await journal.get('default', 'crashed'))?.state).toBe('inflight');
		expect(await api.abandon('crashed', { force: true })).toMatchObject({ state: 'failed' });

		const sending = api.post('bookings', { json: booking, operation: 'live' });
		while (server.received.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
		expect(await rejectionOf(api.abandon('live', { force: true }))).toBeInstanceOf(InProgressError);
		expect(await rejectionOf(api.resolve('live', { force: true }))).toBeInstanceOf(InProgressError);
		release();
		expect((await sending).status).toBe(201);
	});

	it('a forced abandon from another client while the request is on the wire is overruled by the 2xx that follows', async () => {
		// "Abandoned" says "not applied: a new attempt needs a new operation". Once the server has applied it, keeping
		// that verdict invites a second booking.
		const journal = new MemoryJournal();
		let release: () => void = () => {};
		const held = new Promise<void>((resolve) => {
			release = resolve;
		});
		const server = await serve(async (_req, res) => {
			await held;
			sendJson(res, 201, { id: 'b-1' });
		});
		const sender = createClient({ baseUrl: server.url, journal });
		const other = createClient({ baseUrl: server.url, journal });

		const sending = sender.post('bookings', { json: booking, operation: 'live' });
		while (server.received.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
		expect(await other.abandon('live', { force: true, reason: 'looked stuck' })).toMatchObject({
			state: 'failed',
		});
		release();

		expect((await sending).status).toBe(201);
		expect(await journal.get('default', 'live')).toMatchObject({
			state: 'succeeded',
			outcome: { status: 201 },
		});
		const again = await other.post('bookings', { json: booking, operation: 'live' });
		expect(again).toMatchObject({ status: 201, fromJournal: true, data: { id: 'b-1' } });
		expect(server.received).toHaveLength(1);
	});

	it('refuses a finished operation, repeats the same settlement as a no-op, and checks its input before writing', async () => {
		const { server } = await bookingServer();
		const journal = new MemoryJournal();
		await interrupted(server.url, journal, 2);
		const api = createClient({ baseUrl: server.url, journal });
		const first = await api.abandon('book:0');
		expect(await api.abandon('book:0')).toEqual(first);
		const resolved = await rejectionOf(api.resolve('book:0', { data: 1 }));
		expect(resolved).toBeInstanceOf(InvalidRequestError);
		expect((resolved as Error).message).toContain('already failed (abandoned by hand)');
		expect(await rejectionOf(api.abandon('nope'))).toMatchObject({ field: 'operation' });

		const before = await journal.get('default', 'book:1');
		for (const [options, field] of [
			[{ status: 404 }, 'status'],
			[{ status: 201.5 }, 'status'],
			[{ data: 10n }, 'data'],
			[{ reason: 'x'.repeat(1_001) }, 'reason'],
			[{ force: 'yes' }, 'force'],
		] as const) {
			const error = await rejectionOf(api.resolve('book:1', options as never));
			expect(error).toBeInstanceOf(InvalidRequestError);
			expect((error as InvalidRequestError).field).toBe(field);
		}
		expect(await journal.get('default', 'book:1')).toEqual(before);
	});
});

describe('ResumeReport.error', () => {
	it('is typed as the idemkey errors a resume can raise, so a report narrows on its name', async () => {
		const { server } = await bookingServer();
		const journal = new MemoryJournal();
		await interrupted(server.url, journal, 1);
		const api = createClient({ baseUrl: server.url, journal, retry: { ...fast, limit: 0 } });
		const [report] = await api.resumeAll();
		if (!report || report.ok) throw new Error('expected a failed report');

		expectTypeOf(report.error).toEqualTypeOf<ResumeError>();
		// Compiles only because error is a union of classes with literal names (it used to be unknown).
		const attempts = report.error.name === 'OutcomeUnknownError' ? report.error.attempts : -1;
		expect(attempts).toBe(1);
		expect(report.error).toBeInstanceOf(OutcomeUnknownError);
	});

	it('an aborted resumeAll rejects with the signal reason rather than reporting it as an operation failure', async () => {
		const { server } = await bookingServer();
		const journal = new MemoryJournal();
		await interrupted(server.url, journal, 2);
		const api = createClient({ baseUrl: server.url, journal });
		const controller = new AbortController();
		const reason = new Error('shutting down');
		controller.abort(reason);
		expect(await rejectionOf(api.resumeAll({ signal: controller.signal }))).toBe(reason);
		expect(await api.pending()).toHaveLength(2);
	});
});
