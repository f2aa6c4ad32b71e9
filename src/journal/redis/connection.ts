import type { RedisJournalClient, RedisPipeline } from './options.js';
import type { Script } from './scripts.js';

/**
The caller's ioredis client, as the journal uses it: a command leaves only while the connection is ready, and a
script is run by its hash (EVALSHA), sent whole (EVAL) to a server that has not seen it.

Why wait for `ready` here rather than let ioredis queue: while Redis is down, ioredis holds commands in its offline
queue (with default options, for as long as it keeps reconnecting) and sends them when the connection returns. A
journal write sent then lands long after its caller gave up and reported that nothing was sent. Waiting here, bounded
by the caller's signal and `readyTimeoutMs`, means a call that fails has sent nothing at all.
*/
type Waiting = { resolve: (value: unknown) => void; reject: (error: unknown) => void };
type Batch = { pipeline: RedisPipeline; waiting: Waiting[] };

/** Runs `flush` once the event loop has handled the I/O at hand (setImmediate where the runtime has it). */
const afterThisTurn: (flush: () => void) => void =
	typeof globalThis.setImmediate === 'function'
		? (flush) => globalThis.setImmediate(flush)
		: (flush) => setTimeout(flush, 0);

export class RedisConnection {
	readonly #client: RedisJournalClient;
	readonly #readyTimeoutMs: number;
	#whenReady: Promise<void> | undefined;
	/** The commands of this event-loop turn, sent together when it ends; undefined when none is waiting. */
	#batch: Batch | undefined;
	readonly #batches: boolean;

	constructor(client: RedisJournalClient, readyTimeoutMs: number) {
		this.#client = client;
		this.#readyTimeoutMs = readyTimeoutMs;
		// A cluster pipeline must keep to one slot, and ioredis's auto-pipelining already groups a cluster's commands
		// per node: there the journal sends each command as it comes.
		this.#batches = typeof client.pipeline === 'function' && client.isCluster !== true;
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
		if (script.sha === undefined) return this.call('EVAL', script.source, keys.length, ...keys, ...args);
		try {
			return await this.call('EVALSHA', script.sha, keys.length, ...keys, ...args);
		} catch (error) {
			if (!String((error as Error)?.message).startsWith('NOSCRIPT')) throw error;
			return this.call('EVAL', script.source, keys.length, ...keys, ...args);
		}
	}

	/**
	Sends one command. Commands of one event-loop turn leave together, in the order they were made, in one write:
	Redis answers them in that order, so a command sent right behind another still reaches Redis after it. Unlike
	ioredis's auto-pipelining, which holds every new command until the batch in flight is answered, a batch leaves as
	soon as its turn ends: the client prepares the next batch while Redis runs the last, instead of taking turns.
	*/
	call(command: string, ...args: (string | number)[]): Promise<unknown> {
		if (!this.#batches) return this.#client.call(command, ...args);
		let batch = this.#batch;
		if (batch === undefined) {
			batch = { pipeline: (this.#client.pipeline as () => RedisPipeline)(), waiting: [] };
			this.#batch = batch;
			afterThisTurn(() => this.#flush());
		}
		const { pipeline, waiting } = batch;
		return new Promise((resolve, reject) => {
			pipeline.call(command, ...args);
			// Only once queued: answers are matched to callers by position.
			waiting.push({ resolve, reject });
		});
	}

	#flush(): void {
		const { pipeline, waiting } = this.#batch as Batch;
		this.#batch = undefined;
		// The connection dropped during the turn: ioredis would hold the batch in its offline queue and send it
		// whenever it reconnects, long after the callers gave up.
		if (this.#client.status !== 'ready') {
			const error = new Error(
				`Redis is unreachable: the connection was ${this.#client.status} when the command was to leave; nothing was sent to Redis`,
			);
			for (const { reject } of waiting) reject(error);
			return;
		}
		pipeline.exec().then(
			(results) => {
				for (const [i, { resolve, reject }] of waiting.entries()) {
					const [error, value] = results?.[i] ?? [new Error('Redis gave no answer to the command'), null];
					if (error) reject(error);
					else resolve(value);
				}
			},
			(error: unknown) => {
				for (const { reject } of waiting) reject(error);
			},
		);
	}
}
