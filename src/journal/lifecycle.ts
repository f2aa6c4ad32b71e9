import type { JournalRecord, OperationState, RecordOutcome, RequestSnapshot } from './record.js';
import { RECORD_VERSION } from './record.js';

export type NewRecordInput = {
	scope: string;
	operation: string;
	key: string | null;
	fingerprint: string;
	method: string;
	path: string;
	now: number;
	/** Server's key retention; `undefined` when unknown. */
	retentionMs: number | undefined;
	/** How long to keep the record once finished. */
	keepMs: number;
	request?: RequestSnapshot | undefined;
};

// Stop trusting a key a little before the server forgets it: clocks drift and the first attempt may land late.
export const expiryMargin = (retentionMs: number): number => Math.min(Math.ceil(retentionMs / 10), 60_000);

/** When a key first sent at `now` may be forgotten; `null` when the server documents no retention. */
const keyExpiry = (now: number, retentionMs: number | undefined): number | null =>
	retentionMs === undefined ? null : now + retentionMs - expiryMargin(retentionMs);

/** Every write is a new revision, stamped with its time: compare-and-set compares revisions. */
export const revised = (
	record: JournalRecord,
	now: number,
	changes: Partial<JournalRecord>,
): JournalRecord => ({
	...record,
	...changes,
	revision: record.revision + 1,
	updatedAt: now,
});

export function newRecord(input: NewRecordInput): JournalRecord {
	const { retentionMs, now } = input;
	const record: JournalRecord = {
		v: RECORD_VERSION,
		scope: input.scope,
		operation: input.operation,
		key: input.key,
		fingerprint: input.fingerprint,
		method: input.method,
		path: input.path,
		state: 'pending',
		revision: 1,
		attemptsStarted: 0,
		attemptsFinished: 0,
		createdAt: now,
		updatedAt: now,
		expiresAt: keyExpiry(now, retentionMs),
		retainUntil: now + Math.max(input.keepMs, retentionMs ?? 0),
	};
	if (input.request) record.request = input.request;
	return record;
}

/**
A new operation created already claimed for its first attempt: one journal write instead of two before the first
request leaves (create-if-absent is as durable as a compare-and-set), so a durable journal pays one round of fsyncs
less per operation.
*/
export const newClaimedRecord = (input: NewRecordInput): JournalRecord => ({
	...claimed(newRecord(input), input.now),
	revision: 1,
});

/**
Whether `stored`, what a create answered, is `fresh` (created claimed by this very call) rather than an earlier
call's record of the operation. A journal that copies records (anything but MemoryJournal) hands back an equal record,
not the very one: an earlier call's record has another creation time, or has moved on from its first revision. Only a
keyed record can be told apart this way: two callers of one key-less operation must not both take it for their own.
*/
export const isFreshRecord = (stored: JournalRecord, fresh: JournalRecord): boolean =>
	stored === fresh ||
	(fresh.key !== null &&
		stored.revision === 1 &&
		stored.state === 'inflight' &&
		stored.createdAt === fresh.createdAt &&
		stored.key === fresh.key &&
		stored.fingerprint === fresh.fingerprint &&
		stored.lease?.owner === fresh.lease?.owner);

/** The attempt is about to leave: persisted before the bytes do. */
export const claimed = (record: JournalRecord, now: number): JournalRecord =>
	revised(record, now, { state: 'inflight', attemptsStarted: record.attemptsStarted + 1 });

/**
The claimed attempt never left the process (connection refused, aborted before sending): take the claim back, since an
attempt counted as started reads as "may have been applied" and would keep the operation from ever being sent once its
key window passed. `state` is what the record was before the claim: `unknown` when an earlier attempt may have landed.
*/
export const released = (record: JournalRecord, state: 'pending' | 'unknown', now: number): JournalRecord =>
	revised(record, now, {
		state,
		attemptsStarted: Math.max(record.attemptsFinished, record.attemptsStarted - 1),
	});

/** An attempt finished with `state`; `outcome` is kept for succeeded/failed records. */
export function settled(
	record: JournalRecord,
	state: Exclude<OperationState, 'inflight'>,
	now: number,
	outcome?: RecordOutcome,
): JournalRecord {
	const attemptsFinished = Math.min(record.attemptsFinished + 1, record.attemptsStarted);
	return revised(record, now, outcome ? { state, attemptsFinished, outcome } : { state, attemptsFinished });
}

/**
An inflight record found at start-up (or on re-run) belongs to a process that died mid-attempt: its outcome is unknown.
*/
export const wasInterrupted = (record: JournalRecord): boolean =>
	record.state === 'unknown' ||
	record.state === 'inflight' ||
	record.attemptsStarted > record.attemptsFinished;

/** Resending under this key could be applied twice: the server may have forgotten it. */
export const keyExpired = (record: JournalRecord, now: number): boolean =>
	record.expiresAt !== null && now >= record.expiresAt && record.attemptsStarted > 0;

/**
The caller reconciled an expired operation and chose to send it again under a new key: a fresh key window, as if the operation had never been sent.
*/
export const rekeyed = (
	record: JournalRecord,
	key: string,
	now: number,
	retentionMs: number | undefined,
): JournalRecord =>
	revised(record, now, {
		key,
		state: 'pending',
		attemptsStarted: 0,
		attemptsFinished: 0,
		expiresAt: keyExpiry(now, retentionMs),
	});

/** The caller settled an unfinished operation itself (abandoned it, or supplied the outcome it found). */
export const resolvedByCaller = (
	record: JournalRecord,
	state: 'succeeded' | 'failed',
	now: number,
	outcome: RecordOutcome,
): JournalRecord => revised(record, now, { state, attemptsFinished: record.attemptsStarted, outcome });

/** Who settled it by hand, and why when they said: a reason left out is absent from the record, not `undefined`. */
const byHand = (action: 'abandon' | 'resolve', reason: string | undefined): RecordOutcome['byHand'] =>
	reason === undefined ? { action } : { action, reason };

/**
Abandoned by hand with its outcome unknown: failed, and every later run raises `error` again without a request
(`abandoned`; `key_expired` when `onExpired` abandoned an operation whose key expired).
*/
export const abandoned = (
	record: JournalRecord,
	now: number,
	options: { error: 'abandoned' | 'key_expired'; reason?: string | undefined },
): JournalRecord =>
	resolvedByCaller(record, 'failed', now, {
		status: 0,
		replayed: null,
		headers: [],
		error: options.error,
		byHand: byHand('abandon', options.reason),
	});

/**
Resolved by hand with the outcome the caller found (the booking exists): succeeded, and every later run answers
`status` and `json` (the JSON text of the data, if any) from the journal.
*/
export const resolvedByHand = (
	record: JournalRecord,
	now: number,
	outcome: { status: number; json?: string | undefined; reason?: string | undefined },
): JournalRecord =>
	resolvedByCaller(record, 'succeeded', now, {
		status: outcome.status,
		replayed: null,
		headers: outcome.json === undefined ? [] : [['content-type', 'application/json']],
		...(outcome.json === undefined ? {} : { body: outcome.json }),
		byHand: byHand('resolve', outcome.reason),
	});
