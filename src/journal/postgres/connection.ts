import type { PostgresPool, PostgresPoolClient } from './options.js';

const guarded = new WeakSet<PostgresPool>();

/**
pg reports a connection the server dropped while idle in the pool (a restart, an idle timeout) as an 'error' event of
the pool, which without a listener is an uncaught exception: the process would die with the database's restart
instead of recovering. The pool has already discarded that connection, so there is nothing more to do. Once per pool,
however many journals share it.
*/
export function survivePoolErrors(pool: PostgresPool): void {
	if (guarded.has(pool)) return;
	guarded.add(pool);
	pool.on('error', () => {});
}

/** Where a call failed: before it had a connection (nothing sent) or after. */
export class ConnectFailed extends Error {
	constructor(readonly reason: unknown) {
		super('no connection');
	}
}

/**
Runs `work` on a connection of the pool. The caller's signal ends the wait for a connection (the only wait the journal
controls: a statement once sent cannot be taken back, so it is waited for; the pool's `query_timeout` bounds it). A
connection that arrives after the caller left goes straight back to the pool. A failed connection is destroyed, not
returned, as `pool.query` does.
*/
export async function withClient<T>(
	pool: PostgresPool,
	signal: AbortSignal | undefined,
	work: (client: PostgresPoolClient) => Promise<T>,
): Promise<T> {
	signal?.throwIfAborted();
	const client = await connected(pool, signal);
	let failure: unknown;
	// pg emits 'error' on a client whose connection breaks even while a query runs (the query rejects as well): with no
	// listener that would be an uncaught exception.
	const onError = (error: Error) => {
		failure ??= error;
	};
	client.on('error', onError);
	try {
		return await work(client);
	} catch (error) {
		failure ??= error;
		throw error;
	} finally {
		client.removeListener('error', onError);
		client.release(failure === undefined ? undefined : failure instanceof Error ? failure : true);
	}
}

async function connected(pool: PostgresPool, signal: AbortSignal | undefined): Promise<PostgresPoolClient> {
	const pending = Promise.resolve().then(() => pool.connect());
	if (!signal) return pending.catch(fail);
	return new Promise<PostgresPoolClient>((resolve, reject) => {
		const onAbort = () => {
			reject(signal.reason);
			pending.then(
				(client) => client.release(),
				() => {},
			);
		};
		signal.addEventListener('abort', onAbort, { once: true });
		pending
			.finally(() => signal.removeEventListener('abort', onAbort))
			.then(resolve, (error: unknown) => reject(new ConnectFailed(error)));
	});
}

const fail = (error: unknown): never => {
	throw new ConnectFailed(error);
};
