import type { JournalRecord } from './record.js';

/**
Where operation records live. Implementations must make `create` atomic (create-if-absent) and `compareAndSet` a true compare-and-set on `revision`; run `runJournalConformance` from `idemkey/testing` against yours.
*/
export interface Journal {
	/**
	Stores `record` unless one exists for its (scope, operation). Resolves to the stored record: `record` itself when it was created, the existing one otherwise.
	*/
	create(record: JournalRecord): Promise<JournalRecord>;
	/** The record of (scope, operation), if any. */
	get(scope: string, operation: string): Promise<JournalRecord | undefined>;
	/**
	Replaces the stored record with `next` only if the stored `revision` is `next.revision - 1`. Resolves `false` (writing nothing) when the stored record is missing or newer.
	*/
	compareAndSet(next: JournalRecord): Promise<boolean>;
	/** Records of `scope` not yet succeeded or failed, oldest first. */
	listUnfinished(scope: string): Promise<JournalRecord[]>;
	/** Deletes finished records whose `retainUntil` is at or before `now`; resolves to how many were deleted. */
	collectGarbage(now: number): Promise<number>;
}
