import type { JournalRecord, OperationState } from './record.js';

/**
Options of a journal call that may have to wait (for a lock, a connection, another writer).
*/
export type JournalCallOptions = {
	/**
	The caller stopped waiting (it was aborted, or its deadline passed). A journal that waits should stop waiting and reject with `signal.reason`, having written nothing; once it has written, it resolves as usual. A journal that never waits may ignore it: the client bounds its own wait either way.
	*/
	readonly signal?: AbortSignal | undefined;
};

/**
Where operation records live. Implementations must make `create` atomic (create-if-absent) and `compareAndSet` a true compare-and-set on `revision`; run `runJournalConformance` from `idemkey/testing` against yours.
*/
export interface Journal {
	/**
	Stores `record` unless one exists for its (scope, operation). Resolves to the stored record: `record` itself when it was created, the existing one otherwise.
	*/
	create(record: JournalRecord, options?: JournalCallOptions): Promise<JournalRecord>;
	/** The record of (scope, operation), if any. */
	get(scope: string, operation: string, options?: JournalCallOptions): Promise<JournalRecord | undefined>;
	/**
	Replaces the stored record with `next` only if the stored `revision` is `next.revision - 1`. Resolves `false` (writing nothing) when the stored record is missing or newer.
	*/
	compareAndSet(next: JournalRecord, options?: JournalCallOptions): Promise<boolean>;
	/** Records of `scope` not yet succeeded or failed, oldest first. */
	listUnfinished(scope: string, options?: JournalCallOptions): Promise<JournalRecord[]>;
	/** Deletes finished records whose `retainUntil` is at or before `now`; resolves to how many were deleted. */
	collectGarbage(now: number): Promise<number>;
	/**
	The store's own clock, epoch ms (Redis `TIME`, Postgres `now()`), for journals shared across machines: lease
	expiries are compared on one clock rather than on each machine's. Journals without a clock of their own leave it out,
	and the client uses its own.
	*/
	now?(options?: JournalCallOptions): Promise<number>;
	/**
	Marks the client `owner` alive for as long as its page (or process) lives, for `ownerGone`; resolves to the id its
	leases are to carry (one `ownerGone` can answer for). Only a journal whose sharers all live under one lock manager
	can do this: the browser journals (one origin's tabs, through Web Locks), so that a reloaded or closed tab's attempt
	is taken over at once rather than when its lease lapses.
	*/
	holdOwner?(owner: string): Promise<string>;
	/** Whether the client that wrote `owner` (an id `holdOwner` gave) has ended; `false` when the journal cannot tell. */
	ownerGone?(owner: string): Promise<boolean>;
	/**
	Calls `listener` with each change to the journal's records, whoever made it (`IndexedDBJournal` hears other tabs'
	too), until the returned function is called. A client waiting on another's lease then wakes as soon as that record
	is written instead of at its next look; journals that cannot tell leave it out (waiters poll `get`), and a missed
	or spurious call costs nothing but a read.
	*/
	subscribe?(listener: (change: RecordChange) => void): () => void;
}

/** What a journal's `subscribe` listeners are told: a record written (read it with `get`), or records collected. */
export type RecordChange =
	| { type: 'written'; scope: string; operation: string; state: OperationState; revision: number }
	| { type: 'collected'; removed: number };
