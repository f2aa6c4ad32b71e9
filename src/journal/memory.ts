import { mustBe } from '../utils/input.js';
import type { Journal, RecordChange } from './journal.js';
import { isCollectable, isFinished, type JournalRecord, recordId } from './record.js';

// Records are plain JSON data, frozen all the way down so that a caller holding the record it wrote (or one it was
// handed) can change neither the journal's copy nor, through a nested array, anyone else's. Records are frozen in
// place rather than copied: the SDK never changes a record after writing it, and lifecycle steps spread the previous
// record, so most nested parts arrive already frozen and cost one check. (A WeakSet of frozen parts was tried: its
// ephemeron table made garbage collection the largest cost of a request.)
function frozen<T>(value: T, previous?: object): T {
	if (typeof value !== 'object' || value === null) return value;
	// Someone else froze this part only shallowly: its unfrozen insides may still change, so the journal keeps a copy.
	if (Object.isFrozen(value)) return isDeepFrozen(value) ? value : frozen(structuredClone(value));
	const target = value as Record<string, unknown>;
	const known = previous as Record<string, unknown> | undefined;
	for (const k of Object.keys(target)) {
		const v = target[k];
		// A part carried over from the record this one replaces is one the journal froze already.
		if (known !== undefined && v === known[k]) continue;
		const f = frozen(v);
		if (f !== v) target[k] = f;
	}
	return Object.freeze(value);
}

const isDeepFrozen = (value: object): boolean =>
	Object.isFrozen(value) &&
	Object.values(value).every((v) => typeof v !== 'object' || v === null || isDeepFrozen(v));

const SWEEP_EVERY = 1024;

/**
Ids in the order they were added, the oldest first out. A Set keeps that order too, but finding its first entry steps
over every entry deleted before it until the table is rebuilt: once a journal is past its bound (each new finished
record pushing the oldest out), that was about a tenth of a request's CPU. Here a queue holds the order and a map each
id's place in it; an entry whose id was deleted (or deleted and added again, with a new place) is skipped once, when
it reaches the head.
*/
class FinishOrder {
	readonly #place = new Map<string, number>();
	#ids: string[] = [];
	#places: number[] = [];
	#head = 0;
	#added = 0;

	get size(): number {
		return this.#place.size;
	}

	has(id: string): boolean {
		return this.#place.has(id);
	}

	add(id: string): void {
		// Entries skipped or taken would otherwise pile up: dropped once they outnumber the live ones.
		if (this.#ids.length >= 1024 && this.#ids.length >= 2 * this.#place.size) this.#compact();
		this.#place.set(id, this.#added);
		this.#ids.push(id);
		this.#places.push(this.#added++);
	}

	delete(id: string): void {
		this.#place.delete(id);
	}

	/** Takes out the id added longest ago; `undefined` when there is none. */
	shift(): string | undefined {
		while (this.#head < this.#ids.length) {
			const id = this.#ids[this.#head] as string;
			const place = this.#places[this.#head++];
			if (this.#place.get(id) === place) {
				this.#place.delete(id);
				return id;
			}
		}
		return undefined;
	}

	#compact(): void {
		const ids: string[] = [];
		const places: number[] = [];
		for (let i = this.#head; i < this.#ids.length; i++) {
			const id = this.#ids[i] as string;
			const place = this.#places[i] as number;
			if (this.#place.get(id) === place) {
				ids.push(id);
				places.push(place);
			}
		}
		this.#ids = ids;
		this.#places = places;
		this.#head = 0;
	}
}

// Taken when the module loads: fake timers a test installs later must not stall the journal's answers.
const afterPendingIo: ((callback: () => void) => unknown) | undefined =
	typeof setImmediate === 'function' ? setImmediate : undefined;

export type MemoryJournalOptions = {
	/**
	Most finished (succeeded or failed) records kept. Past it, the record that finished longest ago is forgotten at
	once, whatever its `retainUntil`; a re-run of a forgotten operation is a new operation (a new key, unless the call
	passes its own). Unfinished records never count towards it and are never forgotten: their outcome may be unknown,
	and forgetting one could let it be applied twice. `Infinity` bounds finished records by time alone.
	@default 10_000
	*/
	maxFinishedRecords?: number;
};

/** A finished record holds about 1.5 KB of heap (bench/memory-journal-heap.ts): about 15 MB at this bound. */
export const DEFAULT_MAX_FINISHED_RECORDS = 10_000;

/**
In-process journal. Keys survive retries within the process, not a crash: use `FileJournal` or a server-backed journal where that matters.
A record written to it is frozen in place (deeply) and kept as is, not copied. Memory stays bounded in a long-running
process: it keeps at most `maxFinishedRecords` finished records (the ones finished longest ago go first), and forgets
finished records once their `retainUntil` has passed (every 1,024 new records it sweeps them). Unfinished records are
kept until they finish or are abandoned or resolved by hand (`client.pending()` lists them). While several operations
are in flight, the writes of one event-loop turn are answered together once pending I/O has run (as `FileJournal`'s
group commit answers them): their requests then leave in one batch, which costs the HTTP stack markedly less per
request. A lone operation is answered at once.
*/
export class MemoryJournal implements Journal {
	readonly #records = new Map<string, Readonly<JournalRecord>>();
	// Ids of the finished records, in the order they finished: the first one is the next to go past the bound.
	readonly #finished = new FinishOrder();
	readonly #maxFinished: number;
	#created = 0;
	#inflight = 0;
	#batch: (() => void)[] | undefined;
	// Clients waiting for another's attempt to end, told of every write (see Journal.subscribe).
	readonly #listeners = new Set<(change: RecordChange) => void>();

	constructor(options: MemoryJournalOptions = {}) {
		const max = options?.maxFinishedRecords ?? DEFAULT_MAX_FINISHED_RECORDS;
		// Checked by hand: the core stays small for browsers.
		if (!(max === Number.POSITIVE_INFINITY || (Number.isInteger(max) && max >= 1))) {
			throw mustBe('maxFinishedRecords', 'a whole number from 1, or Infinity', max);
		}
		this.#maxFinished = max;
	}

	async create(record: JournalRecord): Promise<JournalRecord> {
		const id = recordId(record.scope, record.operation);
		const existing = this.#records.get(id);
		if (existing) return existing;
		const stored = frozen(record);
		this.#records.set(id, stored);
		this.#track(id, undefined, stored);
		// Nothing else calls collectGarbage in a process that only makes calls. The new record's creation time is
		// the client's clock, which is what every retainUntil was computed with.
		if (++this.#created % SWEEP_EVERY === 0) this.#sweep(record.createdAt);
		return this.#answer(stored);
	}

	async get(scope: string, operation: string): Promise<JournalRecord | undefined> {
		return this.#records.get(recordId(scope, operation));
	}

	async compareAndSet(next: JournalRecord): Promise<boolean> {
		const id = recordId(next.scope, next.operation);
		const current = this.#records.get(id);
		if (!current || current.revision !== next.revision - 1) return false;
		const stored = frozen(next, current);
		this.#records.set(id, stored);
		this.#track(id, current, stored);
		if (this.#listeners.size > 0) {
			const { scope, operation, state, revision } = stored;
			for (const listener of [...this.#listeners]) {
				try {
					listener({ type: 'written', scope, operation, state, revision });
				} catch {
					// A listener's failure is its own: the write it was told of stands.
				}
			}
		}
		return this.#answer(true);
	}

	/** Calls `listener` after every compare-and-set (see `Journal.subscribe`); returns the function that stops it. */
	subscribe(listener: (change: RecordChange) => void): () => void {
		// Wrapped, so that one function subscribed twice is two subscriptions, each ended by its own call.
		const subscription = (change: RecordChange) => listener(change);
		this.#listeners.add(subscription);
		return () => {
			this.#listeners.delete(subscription);
		};
	}

	async listUnfinished(scope: string): Promise<JournalRecord[]> {
		const out: JournalRecord[] = [];
		for (const record of this.#records.values()) {
			if (record.scope === scope && !isFinished(record.state)) out.push(record);
		}
		return out.sort((a, b) => a.createdAt - b.createdAt);
	}

	async collectGarbage(now: number): Promise<number> {
		return this.#sweep(now);
	}

	#sweep(now: number): number {
		let removed = 0;
		for (const [id, record] of this.#records) {
			if (isCollectable(record, now)) {
				this.#records.delete(id);
				this.#track(id, record, undefined);
				removed++;
			}
		}
		return removed;
	}

	/** Keeps the count of inflight records and the finishing order of finished ones up to date with one write. */
	#track(id: string, before: JournalRecord | undefined, after: JournalRecord | undefined): void {
		if (before?.state === 'inflight') this.#inflight--;
		if (after?.state === 'inflight') this.#inflight++;
		if (!after || !isFinished(after.state)) {
			this.#finished.delete(id);
		} else if (!this.#finished.has(id)) {
			// A record that finished again keeps its place: the set's order is the order records first finished.
			this.#finished.add(id);
			if (this.#finished.size > this.#maxFinished) this.#records.delete(this.#finished.shift() as string);
		}
	}

	// The write itself is already done: only when the caller hears of it is batched. Measured at concurrency 32 on
	// loopback, this took the client from about 0.8 to about 1.0 of bare ky's throughput; alone it would only add a
	// turn of latency.
	#answer<T>(value: T): T | Promise<T> {
		if (this.#inflight < 2 || !afterPendingIo) return value;
		return new Promise<T>((resolve) => {
			if (!this.#batch) {
				const batch: (() => void)[] = [];
				this.#batch = batch;
				afterPendingIo(() => {
					this.#batch = undefined;
					for (const release of batch) release();
				});
			}
			this.#batch.push(() => resolve(value));
		});
	}

	/** Number of records held (for tests and metrics). */
	get size(): number {
		return this.#records.size;
	}
}
