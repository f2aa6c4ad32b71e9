import { afterEach, describe, expect, it, vi } from 'vitest';
import {
	bardge,
	createClient,
	InvalidRequestError,
	isKeyExpiredError,
	JournalError,
	type JournalRecord,
	KeyExpiredError,
	KeyReuseError,
	MemoryJournal,
	OutcomeUnknownError,
} from '../../src/index.js';
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
		expect((thrown as Error).cause).toBeInstanceOf(Error);
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
		const slow = await serve(async (req, res) => {
			inFlight++;
			peak = Math.max(peak, inFlight);
			await new Promise((resolve) => setTimeout(resolve, 30));
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
