import type { AttemptEntry, JournalRecord } from './record.js';

/**
Attempts a record remembers: the last ten, oldest first. Enough to read an incident's timeline (a run of timeouts, the
waits between them, the answer that ended it) while a record stays small: each entry is a few dozen bytes, and a record
is rewritten on every attempt.
*/
export const HISTORY_LIMIT = 10;

/** `history` with `entry` appended, the oldest dropped past `HISTORY_LIMIT`; a new list, the old one untouched. */
export function appendAttempt(
	history: readonly AttemptEntry[] | undefined,
	entry: AttemptEntry,
	limit = HISTORY_LIMIT,
): AttemptEntry[] {
	const kept = history ?? [];
	return [...kept.slice(Math.max(0, kept.length + 1 - limit)), entry];
}

/** `record` with `entry` in its history: what the write that concludes an attempt stores. */
export const withAttempt = (record: JournalRecord, entry: AttemptEntry | undefined): JournalRecord =>
	entry ? { ...record, history: appendAttempt(record.history, entry) } : record;
