import { describe, expect, it } from 'vitest';
import { RedisJournal } from '../../../src/redis.js';
import { journalError, record, useRedis } from './support.js';

const { client } = useRedis();

describe("the caller's connection", () => {
	it('opens a lazyConnect client on first use, with one ready listener however many calls wait', async () => {
		const redis = client({ lazyConnect: true });
		const journal = new RedisJournal({ client: redis, prefix: 'lazy:' });
		expect(redis.status).toBe('wait');
		const listeners = redis.listenerCount('ready');
		const calls = Array.from({ length: 50 }, (_, i) => journal.create(record('shop', `op-${i}`)));
		expect(redis.listenerCount('ready')).toBe(listeners + 1);
		expect(await Promise.all(calls)).toHaveLength(50);
		expect(redis.listenerCount('ready')).toBe(listeners);
		expect(await journal.listUnfinished('shop')).toHaveLength(50);
	});

	it('never closes the client, and says so when the caller has closed it', async () => {
		const redis = client();
		const journal = new RedisJournal({ client: redis, prefix: 'closed:' });
		await journal.create(record('shop', 'op-1'));
		expect(redis.status).toBe('ready');
		await redis.quit();
		await new Promise((resolve) =>
			redis.status === 'end' ? resolve(undefined) : redis.once('end', resolve),
		);
		const error = await journalError(journal.get('shop', 'op-1'));
		expect(error.message).toMatch(
			/the Redis client was closed .* never reopens the connection it was given; nothing was sent/,
		);
		expect(redis.status).toBe('end');
	});

	it('stops waiting for the connection when the caller aborts, with its reason', async () => {
		const redis = client({ lazyConnect: true });
		const journal = new RedisJournal({ client: redis, prefix: 'abort:', readyTimeoutMs: 60_000 });
		const controller = new AbortController();
		controller.abort(new Error('deadline passed'));
		await expect(journal.get('shop', 'op-1', { signal: controller.signal })).rejects.toThrow(
			'deadline passed',
		);
		// Aborted before it could send, it did not even open the connection.
		expect(redis.status).toBe('wait');
	});
});
