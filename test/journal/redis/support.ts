import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { JournalError } from '../../../src/errors/classes.js';
import { newRecord } from '../../../src/journal/lifecycle.js';
import type { JournalRecord } from '../../../src/journal/record.js';
import { RedisJournal } from '../../../src/redis.js';
import { type RedisServer, type RedisServerOptions, startRedis } from '../../helpers/redis-server.js';

/**
One redis-server for the test file, and ioredis clients on it that are quit after each test. Each journal gets a
prefix of its own, so tests see only their own keys.
*/
export function useRedis(options: RedisServerOptions = {}) {
	const state = { server: undefined as RedisServer | undefined };
	const clients: Redis[] = [];
	beforeAll(async () => {
		state.server = await startRedis(options);
	});
	afterEach(async () => {
		await Promise.all(
			clients.splice(0).map((c) => (c.status === 'end' ? undefined : c.quit().catch(() => c.disconnect()))),
		);
	});
	afterAll(async () => {
		await state.server?.close();
	});
	const server = () => state.server as RedisServer;
	const client = (extra: { lazyConnect?: boolean } = {}) => {
		const made = new Redis(server().port, '127.0.0.1', extra);
		// ioredis reports a lost connection as an 'error' event; with no listener Node treats it as uncaught.
		made.on('error', () => {});
		clients.push(made);
		return made;
	};
	const journal = (prefix = `t-${randomUUID()}:`, extra: { lazyConnect?: boolean } = {}) => ({
		journal: new RedisJournal({ client: client(extra), prefix }),
		prefix,
	});
	return { server, client, journal };
}

export const record = (scope: string, operation: string, at = Date.now()): JournalRecord =>
	newRecord({
		scope,
		operation,
		key: `key-${randomUUID()}`,
		fingerprint: `fp-${randomUUID()}`,
		method: 'POST',
		path: '/bookings',
		now: at,
		retentionMs: 86_400_000,
		keepMs: 86_400_000,
	});

export async function journalError(promise: Promise<unknown>): Promise<JournalError> {
	const error = await promise.then(
		() => undefined,
		(e: unknown) => e,
	);
	expect(error).toBeInstanceOf(JournalError);
	return error as JournalError;
}
