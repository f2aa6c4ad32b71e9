import type { AttemptEntry, JournalRecord } from '../../journal/record.js';
import { isoTime } from '../time.js';

/** One attempt of the record's history, with what a reader would otherwise work out by hand. */
export type TimelineEntry = {
	/** Epoch ms the attempt was claimed, as stored. */
	at: number;
	/** `at` as UTC ISO text. */
	time: string;
	/** Ms from the operation's creation to this attempt: how long the operation had been going. */
	sinceCreatedMs: number;
	/** Ms waited before this attempt (backoff, Retry-After, in progress); `null` when not recorded. */
	waitedMs: number | null;
	/** What came back, in one word: the HTTP status, else the error kind, else `none` (nothing recorded). */
	result: string;
	status: number | null;
	error: string | null;
	/** `true`/`false` as the server signalled it; `null` when it gave no signal or none was recorded. */
	replayed: boolean | null;
};

/** The status and the error kind both when both were recorded (a 503 that ended as `server_error`). */
export const resultOf = (entry: AttemptEntry): string => {
	const parts = [entry.status === undefined ? undefined : String(entry.status), entry.error];
	const known = parts.filter((part) => part !== undefined && part !== '');
	return known.length > 0 ? known.join(' ') : 'none';
};

/**
The record's attempt history as a timeline, oldest first as stored. A record written before histories existed, or
whose attempts never concluded (a crash mid-request), has none: an empty timeline, not an error.
*/
export const timelineOf = (record: JournalRecord): TimelineEntry[] =>
	(record.history ?? []).map((entry) => ({
		at: entry.at,
		time: isoTime(entry.at),
		sinceCreatedMs: entry.at - record.createdAt,
		waitedMs: entry.waitedMs ?? null,
		result: resultOf(entry),
		status: entry.status ?? null,
		error: entry.error ?? null,
		replayed: entry.replayed ?? null,
	}));
