import { afterEach, describe, expect, it, vi } from 'vitest';
import {
	bardge,
	createClient,
	type Journal,
	type JournalRecord,
	KeyExpiredError,
	MemoryJournal,
	OutcomeUnknownError,
} from '../../src/index.js';
import { claimed, fingerprint, newRecord, settled } from '../../src/journal.js';
import { sendJson } from '../helpers/loopback-server.js';
import { fast, rejectionOf, serve } from './support.js';

const booking = { classId: 'c7', clientId: 'u42' };

afterEach(() => {
	vi.useRealTimers();
});

/** A server that drops every connection until `healthy` is set. */
async function flakyServer() {
	const state = { healthy: false };
	const server = await serve((_req, res) => {
		if (!state.healthy) return void res.socket?.destroy();
		sendJson(res, 201, { id: 'b1' });
	});
	return { server, state };
}

describe('outcome unknown', () => {
	it('leaves the record unknown and raises OutcomeUnknownError with key, operation and attempts after retries run out', async () => {
		const { server } = await flakyServer();
		const journal = new MemoryJournal();
		const api = createClient({ baseUrl: server.url, journal, retry: { ...fast, limit: 2 } });
		const error = await rejectionOf(api.post('bookings/class', { json: booking, operation: 'book:u42:c7' }));

		expect(error).toBeInstanceOf(OutcomeUnknownError);
		const unknown = error as OutcomeUnknownError;
		expect(unknown.code).toBe('outcome_unknown');
		expect(unknown.reason).toBe('network');
		expect(unknown.attempts).toBe(3);
		expect(unknown.operation).toBe('book:u42:c7');
		expect(unknown.status).toBeUndefined();
		// The last transport failure, for logs: not swallowed, and not one of ours.
		expect(unknown.cause).toBeInstanceOf(Error);
		expect(unknown.cause).not.toBeInstanceOf(OutcomeUnknownError);
		expect(server.received).toHaveLength(3);
		const key = server.received[0]?.headers['idempotency-key'];
		expect(unknown.key).toBe(key);
		for (const req of server.received) expect(req.headers['idempotency-key']).toBe(key);

		const record = await journal.get('default', 'book:u42:c7');
		expect(record).toMatchObject({ state: 'unknown', key, attemptsStarted: 3, attemptsFinished: 3 });
		expect(await journal.listUnfinished('default')).toHaveLength(1);
	});

	it('resends the same key when the operation is re-run and the server is healthy again', async () => {
		const { server, state } = await flakyServer();
		const journal = new MemoryJournal();
		const api = createClient({ baseUrl: server.url, journal, retry: { ...fast, limit: 1 } });
		const error = await rejectionOf(api.post('bookings/class', { json: booking, operation: 'book:u42:c7' }));
		expect(error).toBeInstanceOf(OutcomeUnknownError);
		const key = (error as OutcomeUnknownError).key;

		state.healthy = true;
		const res = await api.post('bookings/class', { json: booking, operation: 'book:u42:c7' });
		expect(server.received).toHaveLength(3);
		expect(server.received[2]?.headers['idempotency-key']).toBe(key);
		expect(server.received[2]?.body.equals(server.received[0]?.body ?? Buffer.alloc(0))).toBe(true);
		expect(res).toMatchObject({ status: 201, key, attempts: 1, fromJournal: false, data: { id: 'b1' } });
		const record = await journal.get('default', 'book:u42:c7');
		expect(record).toMatchObject({ state: 'succeeded', attemptsStarted: 3, attemptsFinished: 3 });
	});
});

describe('an abort that lands once the answer is in', () => {
	it('keeps the answer: the journal records the operation as succeeded and the caller gets the result', async () => {
		const server = await serve((_req, res) => sendJson(res, 201, { id: 'b1' }));
		const journal = new MemoryJournal();
		const controller = new AbortController();
		// The caller aborts just after the whole answer was read, before the retry loop looks at its signal again.
		const lateAbort: typeof fetch = async (input, init) => {
			const response = await fetch(input, init);
			const body = await response.text();
			controller.abort(new Error('caller left'));
			return new Response(body, { status: response.status, headers: response.headers });
		};
		const api = createClient({ baseUrl: server.url, journal, fetch: lateAbort, retry: fast });
		const result = await api.post('bookings', {
			json: booking,
			operation: 'op-1',
			signal: controller.signal,
		});
		expect(result).toMatchObject({ status: 201, data: { id: 'b1' } });
		expect((await journal.get('default', 'op-1'))?.state).toBe('succeeded');
		expect(server.received).toHaveLength(1);
	});

	it('lands between the claim of a retry and its send: the claim is taken back, the record does not read as unknown', async () => {
		const server = await serve((_req, res) => sendJson(res, 429, { error: 'slow down' }));
		const controller = new AbortController();
		const journal = new MemoryJournal();
		const claimThenAbort: Journal = {
			create: (r) => journal.create(r),
			get: (s, o) => journal.get(s, o),
			// The claim of the retry is written, then the caller leaves before it is sent.
			compareAndSet: (r) => {
				if (r.state === 'inflight') controller.abort(new Error('caller left'));
				return journal.compareAndSet(r);
			},
			listUnfinished: (s) => journal.listUnfinished(s),
			collectGarbage: (n) => journal.collectGarbage(n),
		};
		const api = createClient({ baseUrl: server.url, journal: claimThenAbort, retry: fast });
		const error = await rejectionOf(
			api.post('bookings', { json: booking, operation: 'op-1', signal: controller.signal }),
		);
		expect(error).toMatchObject({ message: 'caller left' });
		expect(server.received).toHaveLength(1);
		expect((await journal.get('default', 'op-1'))?.state).toBe('pending');
	});
});

describe('key expired', () => {
	it('refuses to resend an unknown operation once the bardge key (90 s) has expired', async () => {
		const { server, state } = await flakyServer();
		const journal = new MemoryJournal();
		const before = createClient({
			baseUrl: server.url,
			journal,
			dialect: 'bardge',
			retry: { ...fast, limit: 1 },
		});
		const first = await rejectionOf(
			before.post('bookings/class', { json: booking, operation: 'book:u42:c7' }),
		);
		expect(first).toBeInstanceOf(OutcomeUnknownError);
		const record = (await journal.get('default', 'book:u42:c7')) as JournalRecord;
		expect(record.expiresAt).toBe(record.createdAt + 81_000);

		state.healthy = true;
		vi.useFakeTimers({ toFake: ['Date'], now: record.createdAt + 91_000 });
		const later = createClient({ baseUrl: server.url, journal, dialect: 'bardge', retry: fast });
		const error = await rejectionOf(
			later.post('bookings/class', { json: booking, operation: 'book:u42:c7' }),
		);

		expect(error).toBeInstanceOf(KeyExpiredError);
		expect((error as KeyExpiredError).code).toBe('key_expired');
		expect((error as KeyExpiredError).key).toBe(record.key);
		expect((error as KeyExpiredError).operation).toBe('book:u42:c7');
		expect((error as KeyExpiredError).expiredAt).toBe(record.expiresAt);
		expect(server.received).toHaveLength(2);
		expect(await journal.get('default', 'book:u42:c7')).toEqual(record);
	});

	it('still resends an unknown operation under its key before the key expires', async () => {
		const { server, state } = await flakyServer();
		const journal = new MemoryJournal();
		const before = createClient({
			baseUrl: server.url,
			journal,
			dialect: 'bardge',
			retry: { ...fast, limit: 0 },
		});
		await rejectionOf(before.post('bookings/class', { json: booking, operation: 'book:u42:c7' }));
		const record = (await journal.get('default', 'book:u42:c7')) as JournalRecord;

		state.healthy = true;
		vi.useFakeTimers({ toFake: ['Date'], now: record.createdAt + 80_000 });
		const later = createClient({ baseUrl: server.url, journal, dialect: 'bardge', retry: fast });
		const res = await later.post('bookings/class', { json: booking, operation: 'book:u42:c7' });
		expect(res.key).toBe(record.key);
		expect(server.received).toHaveLength(2);
		expect(server.received[1]?.headers['idempotency-key']).toBe(record.key);
	});

	const journaled = async (state: 'inflight' | 'unknown' | 'pending', createdAt: number) => {
		const journal = new MemoryJournal();
		const fp = await fingerprint({ method: 'POST', path: '/bookings/class', json: booking });
		const fresh = newRecord({
			scope: 'default',
			operation: 'book:u42:c7',
			key: 'key-from-earlier-run',
			fingerprint: fp,
			method: 'POST',
			path: '/bookings/class',
			now: createdAt,
			retentionMs: bardge.retentionMs,
			keepMs: 86_400_000,
		});
		await journal.create(fresh);
		if (state !== 'pending') {
			const claim = claimed(fresh, createdAt + 10);
			await journal.compareAndSet(claim);
			if (state === 'unknown') await journal.compareAndSet(settled(claim, 'unknown', createdAt + 20));
		}
		return journal;
	};

	it.each(['unknown', 'inflight'] as const)(
		'refuses to resend an operation left %s by an earlier run once its key expired',
		async (left) => {
			const server = await serve((_req, res) => sendJson(res, 201, {}));
			const journal = await journaled(left, Date.now() - 100_000);
			const api = createClient({ baseUrl: server.url, journal, dialect: 'bardge', retry: fast });
			const error = await rejectionOf(
				api.post('bookings/class', { json: booking, operation: 'book:u42:c7' }),
			);
			expect(error).toBeInstanceOf(KeyExpiredError);
			expect((error as KeyExpiredError).key).toBe('key-from-earlier-run');
			expect(server.received).toHaveLength(0);
		},
	);

	it('sends a never-attempted operation even past its key expiry: the server never saw the key', async () => {
		const server = await serve((_req, res) => sendJson(res, 201, {}));
		const journal = await journaled('pending', Date.now() - 100_000);
		const api = createClient({ baseUrl: server.url, journal, dialect: 'bardge', retry: fast });
		const res = await api.post('bookings/class', { json: booking, operation: 'book:u42:c7' });
		expect(res.status).toBe(201);
		expect(server.received[0]?.headers['idempotency-key']).toBe('key-from-earlier-run');
	});
});
