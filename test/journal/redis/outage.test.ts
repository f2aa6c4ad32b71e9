import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../../src/client/create.js';
import { RedisJournal } from '../../../src/redis.js';
import { type LoopbackServer, sendJson, startServer } from '../../helpers/loopback-server.js';
import { type RedisServer, startRedis } from '../../helpers/redis-server.js';
import { journalError, record } from './support.js';

let redisServer: RedisServer;
let http: LoopbackServer;
let redis: Redis;
// Set by a test: called while the server holds a request, before it answers.
let duringRequest: (() => Promise<void>) | undefined;

beforeAll(async () => {
	// Every acknowledged write is in the append-only file before Redis answers: a kill loses none of them.
	redisServer = await startRedis({ aof: true });
	http = await startServer(async (req, res) => {
		await duringRequest?.();
		sendJson(res, 201, { id: `b${http.received.length}`, seat: JSON.parse(req.body.toString()).seat });
	});
	// ioredis's defaults (offline queue on, 20 retries per request), reconnecting every 50 ms.
	redis = new Redis(redisServer.port, '127.0.0.1', { retryStrategy: () => 50 });
	redis.on('error', () => {});
});

afterAll(async () => {
	redis?.disconnect();
	await http?.close();
	await redisServer?.close();
});

describe('Redis going down mid-run and coming back', () => {
	it('fails calls with JournalError before sending, loses nothing journaled, and recovers on its own', async () => {
		const journal = new RedisJournal({ client: redis, readyTimeoutMs: 300 });
		const api = createClient({ baseUrl: http.url, journal, scope: 'shop', retry: { limit: 0 } });
		const book = (operation: string) => api.post('bookings', { json: { seat: operation }, operation });

		const before = ['a1', 'a2', 'a3'];
		for (const operation of before) expect((await book(operation)).status).toBe(201);
		expect(http.received).toHaveLength(3);

		// Redis dies while a request is on the wire: the answer reaches the caller, but cannot be recorded.
		duringRequest = () => redisServer.stop();
		expect((await book('mid')).status).toBe(201);
		duringRequest = undefined;
		expect(http.received).toHaveLength(4);
		const sentKey = http.received[3]?.headers['idempotency-key'];

		// While it is down every call fails with a JournalError and sends nothing, within readyTimeoutMs.
		for (const operation of ['b1', 'b2', 'a1']) {
			const error = await journalError(book(operation));
			expect(error.message).toMatch(/Redis is unreachable/);
			expect(error.message).toMatch(/nothing was sent/);
		}
		expect(http.received).toHaveLength(4);

		await redisServer.start();

		// The same client and journal carry on once ioredis has reconnected: no restart, no new objects.
		expect((await book('c1')).status).toBe(201);
		expect(http.received).toHaveLength(5);
		// Everything journaled before the crash is there: finished operations replay without a request...
		for (const operation of before) {
			const again = await book(operation);
			expect(again.replayed, operation).toBe(true);
		}
		expect(http.received).toHaveLength(5);
		// ... and the operation cut off mid-request is still recorded as sent, under the key that went out.
		const mid = await journal.get('shop', 'mid');
		expect(mid?.state).toBe('inflight');
		expect(mid?.key).toBe(sentKey);
		// Calls that failed while Redis was down left nothing behind that was not sent: they can simply run.
		expect((await book('b1')).status).toBe(201);
		expect(http.received).toHaveLength(6);
	});

	it('does not hold a journal write in the offline queue: nothing lands after the call gave up', async () => {
		const journal = new RedisJournal({ client: redis, readyTimeoutMs: 100 });
		await journal.now();
		await redisServer.stop();
		// Once ioredis has seen the connection close (a command sent before that is on the wire, and ioredis retries it).
		await new Promise((resolve) =>
			redis.status === 'ready' ? redis.once('close', resolve) : resolve(undefined),
		);
		const controller = new AbortController();
		const aborted = journal.get('shop', 'x', { signal: controller.signal });
		controller.abort(new Error('caller left'));
		await expect(aborted).rejects.toThrow('caller left');
		const late = await journalError(journal.create(record('shop', 'queued')));
		expect(late.message).toMatch(
			/did not become ready within readyTimeoutMs \(100 ms\); nothing was sent to Redis/,
		);
		await redisServer.start();
		await new Promise((resolve) =>
			redis.status === 'ready' ? resolve(undefined) : redis.once('ready', resolve),
		);
		expect(await journal.get('shop', 'queued')).toBe(undefined);
	});
});
