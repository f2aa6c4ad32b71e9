import { afterEach } from 'vitest';
import type { Journal, JournalRecord } from '../../src/index.js';
import { InvalidRequestError, MemoryJournal } from '../../src/index.js';
import { type Handler, type LoopbackServer, startServer } from '../helpers/loopback-server.js';

/** Small retry delays so exhausted budgets end in milliseconds. */
export const fast = { baseDelay: 1, maxDelay: 5, inProgressDelay: 1 };

const servers: LoopbackServer[] = [];

/** A loopback server closed after the test. */
export async function serve(handler: Handler): Promise<LoopbackServer> {
	const server = await startServer(handler);
	servers.push(server);
	return server;
}

afterEach(async () => {
	await Promise.all(servers.splice(0).map((s) => s.close()));
});

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Settles a promise into its error (or fails when it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
	return promise.then(
		(value) => {
			throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
		},
		(error: unknown) => error,
	);
}

/** What a synchronous call refuses with: its InvalidRequestError (fails when it returns or throws anything else). */
export function refusalOf(run: () => unknown): InvalidRequestError {
	try {
		run();
	} catch (error) {
		if (error instanceof InvalidRequestError) return error;
		throw error;
	}
	throw new Error('expected an InvalidRequestError, the call returned');
}

/** A MemoryJournal that logs every method called on it. */
export class SpyJournal implements Journal {
	readonly inner = new MemoryJournal();
	readonly calls: string[] = [];

	create(record: JournalRecord) {
		this.calls.push('create');
		return this.inner.create(record);
	}
	get(scope: string, operation: string) {
		this.calls.push('get');
		return this.inner.get(scope, operation);
	}
	compareAndSet(next: JournalRecord) {
		this.calls.push('compareAndSet');
		return this.inner.compareAndSet(next);
	}
	listUnfinished(scope: string) {
		this.calls.push('listUnfinished');
		return this.inner.listUnfinished(scope);
	}
	collectGarbage(now: number) {
		this.calls.push('collectGarbage');
		return this.inner.collectGarbage(now);
	}
}
