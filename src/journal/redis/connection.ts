import type { RedisJournalClient } from './options.js';
import type { Script } from './scripts.js';

/**
The caller's ioredis client, as the journal uses it: a command leaves only while the connection is ready, and a
script is run by its hash (EVALSHA), sent whole (EVAL) to a server that has not seen it.

Why wait for `ready` here rather than let ioredis queue: while Redis is down, ioredis holds commands in its offline
queue (with default options, for as long as it keeps reconnecting) and sends them when the connection returns. A
journal write sent then lands long after its caller gave up and reported that nothing was sent. Waiting here, bounded
by the caller's signal and `readyTimeoutMs`, means a call that fails has sent nothing at all.
*/
export class RedisConnection {
	readonly #client: RedisJournalClient;
	readonly #readyTimeoutMs: number;
	#whenReady: Promise<void> | undefined;

	constructor(client: RedisJournalClient, readyTimeoutMs: number) {
		this.#client = client;
		this.#readyTimeoutMs = readyTimeoutMs;
	}

	/** Undefined when a command may leave now (the usual case, kept free of promises); else a wait for that. */
	ready(signal: AbortSignal | undefined): Promise<void> | undefined {
		signal?.throwIfAborted();
		const { status } = this.#client;
		if (status === 'ready') return undefined;
		if (status === 'end') {
			return Promise.reject(
				new Error(
					'the Redis client was closed (quit or disconnect), and RedisJournal never reopens the connection it was given; nothing was sent to Redis',
				),
			);
		}
		if (status === 'wait') {
			// A client made with lazyConnect opens on its first command; the journal sends none before it is ready.
			this.#client.connect?.().catch(() => {});
		}
		return this.#waitForReady(signal, status);
	}

	async #waitForReady(signal: AbortSignal | undefined, status: string): Promise<void> {
		this.#whenReady ??= new Promise<void>((resolve) => {
			this.#client.once('ready', () => {
				this.#whenReady = undefined;
				resolve();
			});
		});
		const ready = this.#whenReady;
		let timer: ReturnType<typeof setTimeout> | undefined;
		let onAbort: (() => void) | undefined;
		try {
			await new Promise<void>((resolve, reject) => {
				timer = setTimeout(
					() =>
						reject(
							new Error(
								`Redis is unreachable: the connection was ${status} and did not become ready within readyTimeoutMs (${this.#readyTimeoutMs} ms); nothing was sent to Redis`,
							),
						),
					this.#readyTimeoutMs,
				);
				onAbort = () => reject(signal?.reason);
				signal?.addEventListener('abort', onAbort, { once: true });
				ready.then(resolve);
			});
		} finally {
			clearTimeout(timer);
			if (onAbort) signal?.removeEventListener('abort', onAbort);
		}
	}

	/** Runs `script` on its keys; a server that has not loaded it yet (a restart, a failover) gets its source. */
	async run(script: Script, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
		if (script.sha === undefined)
			return this.#client.call('EVAL', script.source, keys.length, ...keys, ...args);
		try {
			return await this.#client.call('EVALSHA', script.sha, keys.length, ...keys, ...args);
		} catch (error) {
			if (!String((error as Error)?.message).startsWith('NOSCRIPT')) throw error;
			return this.#client.call('EVAL', script.source, keys.length, ...keys, ...args);
		}
	}

	call(command: string, ...args: (string | number)[]): Promise<unknown> {
		return this.#client.call(command, ...args);
	}
}
