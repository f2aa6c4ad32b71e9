/** A call waiting to go out: its kind (one statement per kind), and the row it writes. */
export type Queued = { readonly kind: string; readonly key: string };

/**
The calls that go out together, oldest first: those of the oldest call's kind, at most `maxSize`, never two of one row
(the later waits for the next batch: `ON CONFLICT` and `UPDATE ... FROM` are no place for duplicates).
*/
export function nextBatch<Q extends Queued>(queue: readonly Q[], maxSize: number): Q[] {
	const kind = queue[0]?.kind;
	const keys = new Set<string>();
	const batch: Q[] = [];
	for (const call of queue) {
		if (batch.length >= maxSize) break;
		if (call.kind !== kind || keys.has(call.key)) continue;
		keys.add(call.key);
		batch.push(call);
	}
	return batch;
}

/** A queued call, settled by whoever sends its batch. */
export type Entry<I> = Queued & {
	readonly item: I;
	resolve(value: unknown): void;
	reject(error: unknown): void;
};

/**
Runs batches on one connection: calls `take` for each next batch until it returns `undefined`. Without a connection,
it takes one batch and fails it (those calls sent nothing). Never rejects.
*/
export type Drain<I> = (take: () => Entry<I>[] | undefined) => Promise<void>;

type Waiting<I> = Entry<I> & { stopListening(): void };

/**
Coalesces concurrent calls, as auto-pipelining does for Redis: a call that finds a statement slot free goes out at once
(alone, at concurrency 1); calls that arrive while every slot is busy queue, and the next slot to free takes them as one
statement. A slot takes its batch only once it has its connection, so calls keep queueing (and may still leave) while
it waits for one. One slot waits for a connection at a time: the calls queued meanwhile are its batch, not
another slot's.

A queued call leaves when its signal aborts, with the signal's reason, nothing sent; once taken it waits for the
answer, since its statement may be on the wire.
*/
export class Batcher<I> {
	#queue: Waiting<I>[] = [];
	readonly #slots: number;
	readonly #maxSize: number;
	readonly #drain: Drain<I>;
	#busy = 0;
	#connecting = false;

	constructor(options: { slots: number; maxSize: number; drain: Drain<I> }) {
		this.#slots = options.slots;
		this.#maxSize = options.maxSize;
		this.#drain = options.drain;
	}

	submit<R>(kind: string, key: string, item: I, signal: AbortSignal | undefined): Promise<R> {
		if (signal?.aborted) return Promise.reject(signal.reason);
		return new Promise<R>((resolve, reject) => {
			const leave = () => {
				const before = this.#queue.length;
				this.#queue = this.#queue.filter((queued) => queued !== entry);
				if (this.#queue.length < before) reject(signal?.reason);
			};
			const entry: Waiting<I> = {
				kind,
				key,
				item,
				resolve: resolve as (value: unknown) => void,
				reject,
				stopListening: () => signal?.removeEventListener('abort', leave),
			};
			signal?.addEventListener('abort', leave, { once: true });
			this.#queue.push(entry);
			this.#pump();
		});
	}

	#pump(): void {
		if (this.#connecting || this.#busy >= this.#slots || this.#queue.length === 0) return;
		this.#busy++;
		this.#connecting = true;
		let connected = false;
		const take = () => {
			if (!connected) {
				connected = true;
				this.#connecting = false;
			}
			const batch = nextBatch(this.#queue, this.#maxSize);
			if (batch.length === 0) return undefined;
			const taken = new Set<Entry<I>>(batch);
			this.#queue = this.#queue.filter((entry) => !taken.has(entry));
			for (const entry of batch) entry.stopListening();
			// What this batch left behind goes to another slot, if one is free, rather than after it.
			this.#pump();
			return batch;
		};
		const done = () => {
			this.#busy--;
			if (!connected) this.#connecting = false;
			this.#pump();
		};
		this.#drain(take).then(done, done);
	}
}
