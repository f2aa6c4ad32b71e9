import type { IdempotencyError } from '../errors/base.js';
import { isIdempotencyError } from '../errors/base.js';
import {
	JournalError,
	KeyExpiredError,
	KeyMissingError,
	KeyReuseError,
	OperationAbandonedError,
	OutcomeUnknownError,
	RequestRejectedError,
} from '../errors/classes.js';
import type { Journal } from '../journal/journal.js';
import {
	claimed,
	isFreshRecord,
	keyExpired,
	newClaimedRecord,
	settled,
	wasInterrupted,
} from '../journal/lifecycle.js';
import {
	type JournalRecord,
	type OperationState,
	type RecordOutcome,
	recordProblem,
} from '../journal/record.js';
import { MAX_CAS_ROUNDS, writeOnLatest } from '../operation/cas.js';
import { type JournalWait, journalIo, undoClaim } from '../operation/journal-io.js';
import { abortable } from '../utils/abortable.js';
import { fitsInBytes } from '../utils/read-capped.js';
import { type Classified, classify, type Disposition, notKept, unknownOutcome } from './outcome.js';
import type { ToolFailed, ToolOutcome, ToolOutcomeUnknown } from './types.js';

export type RunSpec = {
	journal: Journal;
	/** The records' scope (`agent:<scope>`), apart from the client's. */
	scope: string;
	operation: string;
	key: string;
	fingerprint: string;
	tool: string;
	retentionMs: number | undefined;
	keepMs: number;
	maxStoredBytes: number;
	retrySafe: boolean;
	/** Stops the run's journal waits: the shared run's signal, aborted once every caller waiting for it is gone. */
	signal: AbortSignal | undefined;
	/** The longest the run waits for the journal before `execute`, and again after it (`journalTimeoutMs`). */
	journalTimeoutMs: number;
	now: () => number;
	execute: () => Promise<unknown>;
};

/** The claim this run holds, and what to take it back to should nothing run under it. */
type Claim = { record: JournalRecord; earlierUnknown: boolean; before: 'pending' | 'unknown' };

/** How a run ended, for every caller that waited on it. Never a rejection: each caller decides what to throw. */
export type RunResult =
	| { type: 'result'; value: unknown }
	/** `error`: what `throwOn` throws (made model-safe first); the tool's own exception when idemkey did not know it. */
	| { type: 'outcome'; outcome: ToolOutcome; error: unknown }
	| { type: 'thrown'; error: unknown };

// The record of a tool call is HTTP-shaped like every record (one journal, one schema): the tool's name stands in
// for the path, and the outcome body holds the result as JSON.
const METHOD = 'TOOL';

const waitFor = (spec: RunSpec, beforeSend: boolean): JournalWait => ({
	signal: spec.signal,
	deadline: spec.now() + spec.journalTimeoutMs,
	now: spec.now,
	beforeSend,
	deadlineOption: 'journalTimeoutMs',
});

/**
One tool call under the record lifecycle: the record is written (claimed) before `execute` runs; a finished record
answers without running it; an unfinished one (a crash, a lost answer) is claimed again and re-run under the same key.
*/
export async function runRecorded(spec: RunSpec): Promise<RunResult> {
	let claim: Claim;
	try {
		const taken = await claimRun(spec);
		if ('type' in taken) return taken;
		claim = taken;
	} catch (thrown) {
		return claimFailure(spec, thrown);
	}
	// Every caller left as the claim landed: nothing ran under it, and the record must not say something may have.
	if (spec.signal?.aborted) {
		undoClaim(spec.journal, claim.record, claim.before, spec.now());
		return { type: 'thrown', error: spec.signal.reason };
	}
	return executeClaimed(spec, claim);
}

/** The claim could not be written (or an earlier attempt's record read): nothing ran under this call. */
function claimFailure(spec: RunSpec, thrown: unknown): RunResult {
	const ids = { operation: spec.operation, key: spec.key };
	const earlier = thrown instanceof EarlierAttemptUnknown ? thrown : undefined;
	const error = earlier ? earlier.cause : thrown;
	if (spec.signal?.aborted && error === spec.signal.reason) return { type: 'thrown', error };
	const failure = journalFailure(error, ids);
	if (!earlier || failure.type !== 'outcome') return failure;
	return {
		type: 'outcome',
		outcome: unknownOutcome('outcome_unknown', ids, spec.retrySafe),
		error: new OutcomeUnknownError(
			`${(failure.error as Error).message} An earlier call of tool operation "${spec.operation}" may have been applied, so its outcome is unknown.`,
			{ ...ids, attempts: earlier.record.attemptsStarted, reason: 'journal', cause: failure.error },
		),
	};
}

/** Runs the tool under its claim and settles the record with what came of it. */
async function executeClaimed(spec: RunSpec, { record: current, earlierUnknown }: Claim): Promise<RunResult> {
	const ids = { operation: spec.operation, key: spec.key };
	let value: unknown;
	try {
		value = await abortable(spec.execute, spec.signal);
	} catch (error) {
		const classified = isIdempotencyError(error) ? classify(error, ids, spec.retrySafe) : undefined;
		if (!classified) {
			// Not an outcome idemkey knows: it may have had an effect. Left unfinished, a re-run resends under the key.
			await settleQuietly(spec, current, 'unknown');
			// Every caller cancelled: the framework's own cancellation, as it expects it.
			if (spec.signal?.aborted) return { type: 'thrown', error };
			// Otherwise an ambiguous outcome like any other: the model reads that it may have happened (not the
			// exception's text, which may hold anything), so it neither retries blindly nor reports a failure.
			return { type: 'outcome', outcome: unknownOutcome('outcome_unknown', ids, spec.retrySafe), error };
		}
		await settleQuietly(
			spec,
			current,
			stateFor(classified.disposition, earlierUnknown),
			failedOutcome(classified, error as IdempotencyError),
		);
		return { type: 'outcome', outcome: classified.outcome, error: error as IdempotencyError };
	}
	await settleQuietly(spec, current, 'succeeded', resultOutcome(value, spec.maxStoredBytes));
	return { type: 'result', value };
}

function stateFor(disposition: Disposition, earlierUnknown: boolean): Exclude<OperationState, 'inflight'> {
	if (disposition === 'not_sent') return earlierUnknown ? 'unknown' : 'pending';
	return disposition;
}

/**
Claims the call's record before the tool runs, within the caller's signal and `journalTimeoutMs`: a new record is
created claimed; an earlier call's record answers when it is finished, else is claimed for this run. A create or claim
that lands after the caller left is taken back, as the client does.
*/
async function claimRun(spec: RunSpec): Promise<RunResult | Claim> {
	const ids = { operation: spec.operation, key: spec.key };
	const wait = waitFor(spec, true);
	const fresh = newClaimedRecord({
		scope: spec.scope,
		operation: spec.operation,
		key: spec.key,
		fingerprint: spec.fingerprint,
		method: METHOD,
		path: spec.tool,
		now: spec.now(),
		retentionMs: spec.retentionMs,
		keepMs: spec.keepMs,
	});
	const ours = (stored: JournalRecord) => isFreshRecord(stored, fresh);
	const stored = await journalIo(
		'record the tool call',
		ids,
		wait,
		(o) => spec.journal.create(fresh, o),
		(late) => {
			if (ours(late)) undoClaim(spec.journal, late, 'pending', spec.now());
		},
	);
	const record = stored === fresh ? fresh : checked(stored, spec);
	if (ours(record)) return { record, earlierUnknown: false, before: 'pending' };

	const answer = answerFrom(record, spec);
	if (answer) return answer;
	try {
		return await claimEarlier(spec, record, wait);
	} catch (error) {
		// Nothing is sent by this call, but an earlier one may have been applied: "not carried out" would be false.
		if (wasInterrupted(record) && record.attemptsStarted > 0) throw new EarlierAttemptUnknown(error, record);
		throw error;
	}
}

/** Thrown when the journal fails this call after an earlier call's attempt that may have been applied. */
class EarlierAttemptUnknown extends Error {
	constructor(
		override readonly cause: unknown,
		readonly record: JournalRecord,
	) {
		super('an earlier attempt may have been applied');
	}
}

/** Claims an earlier call's unfinished record for this run (or answers from it, should it finish meanwhile). */
async function claimEarlier(
	spec: RunSpec,
	record: JournalRecord,
	wait: JournalWait,
): Promise<RunResult | Claim> {
	const ids = { operation: spec.operation, key: spec.key };
	const end = await writeOnLatest(record, (from) => claimed(from, spec.now()), {
		write: (next, from) =>
			journalIo(
				'claim the tool call',
				ids,
				wait,
				(o) => spec.journal.compareAndSet(next, o),
				(wrote) => {
					if (wrote) undoClaim(spec.journal, next, releaseTo(from), spec.now());
				},
			),
		reread: () => reread(spec, wait),
	});
	switch (end.type) {
		case 'written':
			return {
				record: end.record,
				earlierUnknown: wasInterrupted(end.from) && end.from.attemptsStarted > 0,
				before: releaseTo(end.from),
			};
		case 'finished':
			// A finished record always answers.
			return answerFrom(end.record, spec) as RunResult;
		case 'gone':
			throw new Error('the record disappeared while the call ran');
		case 'contended':
			throw new Error(`compare-and-set failed ${MAX_CAS_ROUNDS} times`);
	}
}

/** What a claim is taken back to: a leftover `inflight` (a crashed run) is an attempt of unknown outcome. */
const releaseTo = (from: JournalRecord): 'pending' | 'unknown' =>
	from.state === 'pending' ? 'pending' : 'unknown';

/** What a record already says about this call, when it says enough to answer without running the tool. */
function answerFrom(record: JournalRecord, spec: RunSpec): RunResult | undefined {
	const ids = { operation: spec.operation, key: record.key ?? spec.key };
	if (record.fingerprint !== spec.fingerprint) {
		const error = new KeyReuseError(
			`Tool operation "${spec.operation}" was first called with a different input; one operation carries one input.`,
			{ ...ids, source: 'journal' },
		);
		return { type: 'outcome', outcome: classify(error, ids, spec.retrySafe)?.outcome as ToolOutcome, error };
	}
	if (record.state === 'succeeded') return replay(record, ids);
	if (record.state === 'failed') return storedFailure(record, ids);
	if (keyExpired(record, spec.now()) && wasInterrupted(record)) {
		const error = new KeyExpiredError(
			`Tool operation "${spec.operation}" was interrupted with an unknown outcome and its key has outlived the server's retention; running it again could apply it twice.`,
			{ ...ids, expiredAt: record.expiresAt ?? 0 },
		);
		return { type: 'outcome', outcome: unknownOutcome('key_expired', ids, spec.retrySafe), error };
	}
	return undefined;
}

function replay(record: JournalRecord, ids: { operation: string; key: string }): RunResult {
	const body = record.outcome?.body;
	if (body === undefined) return { type: 'outcome', outcome: notKept(ids), error: undefined };
	try {
		return { type: 'result', value: (JSON.parse(body) as { value?: unknown }).value };
	} catch {
		return { type: 'outcome', outcome: notKept(ids), error: undefined };
	}
}

type StoredFailure = {
	failure: ToolFailed | ToolOutcomeUnknown;
	status?: number;
	source?: 'server' | 'journal';
	reason?: string;
};

function storedFailure(record: JournalRecord, ids: { operation: string; key: string }): RunResult {
	let stored: StoredFailure | undefined;
	try {
		stored = JSON.parse(record.outcome?.body ?? '') as StoredFailure;
	} catch {}
	const kept = stored?.failure;
	const failure: ToolFailed | ToolOutcomeUnknown =
		kept?.status === 'failed' || kept?.status === 'outcome_unknown'
			? { ...kept, ...ids }
			: {
					status: 'failed',
					code: 'rejected',
					...ids,
					advice:
						'The action was not carried out earlier. Repeating the same request will fail the same way.',
				};
	return { type: 'outcome', outcome: failure, error: storedError(failure, ids, stored, record) };
}

/** The typed error a kept failure is thrown as (`throwOn`), rebuilt from what was kept. */
function storedError(
	failure: ToolFailed | ToolOutcomeUnknown,
	ids: { operation: string; key: string },
	stored: StoredFailure | undefined,
	record: JournalRecord,
): IdempotencyError {
	const message = `Tool operation "${ids.operation}" already ended (${failure.code}) in an earlier call.`;
	switch (failure.code) {
		case 'abandoned':
			return new OperationAbandonedError(message, {
				...ids,
				reason: stored?.reason,
				abandonedAt: record.updatedAt,
			});
		case 'key_reused':
			return new KeyReuseError(message, { ...ids, source: stored?.source ?? 'server' });
		case 'key_missing':
			return new KeyMissingError(message, ids);
		default:
			return new RequestRejectedError(message, {
				...ids,
				answer: {
					status: stored?.status ?? record.outcome?.status ?? 0,
					headers: new Headers(),
					body: undefined,
				},
				errorCode: 'reason' in failure ? failure.reason : undefined,
			});
	}
}

/** A definite failure is kept (as the model saw it) so a re-run answers with it without running the tool. */
function failedOutcome(classified: Classified, error: IdempotencyError): RecordOutcome | undefined {
	if (classified.disposition !== 'failed') return undefined;
	const { status, source, reason } = error as { status?: unknown; source?: unknown; reason?: unknown };
	const stored: StoredFailure = { failure: classified.outcome as ToolFailed | ToolOutcomeUnknown };
	if (typeof status === 'number') stored.status = status;
	if (source === 'server' || source === 'journal') stored.source = source;
	if (error.code === 'abandoned' && typeof reason === 'string') stored.reason = reason;
	return {
		status: stored.status ?? 0,
		replayed: null,
		headers: [],
		body: JSON.stringify(stored),
		error: error.code,
	};
}

function resultOutcome(value: unknown, maxBytes: number): RecordOutcome {
	const outcome: RecordOutcome = { status: 200, replayed: null, headers: [] };
	let text: string | undefined;
	try {
		text = JSON.stringify({ value });
	} catch {}
	if (text !== undefined && fitsInBytes(text, maxBytes)) outcome.body = text;
	else outcome.bodyTruncated = true;
	return outcome;
}

/**
Writes the end of the run on top of the latest record. Best effort, like the client's final writes: the action has
happened, and a record left unfinished is re-run under the same key, which is safe. The write is always made; the
caller waits for it no longer than its signal and `journalTimeoutMs` allow.
*/
async function settleQuietly(
	spec: RunSpec,
	from: JournalRecord,
	state: Exclude<OperationState, 'inflight'>,
	outcome?: RecordOutcome,
): Promise<void> {
	const ids = { operation: spec.operation, key: spec.key };
	const wait = waitFor(spec, false);
	try {
		await writeOnLatest(from, (current) => settled(current, state, spec.now(), outcome), {
			write: (next) =>
				journalIo('record how the tool call ended', ids, wait, (o) => spec.journal.compareAndSet(next, o)),
			// A record that fails its check throws: the end is left unwritten, as when the record is gone.
			reread: () => reread(spec, wait),
		});
	} catch {}
}

/** The latest record of the call (checked), or `undefined` when it is gone. */
async function reread(spec: RunSpec, wait: JournalWait): Promise<JournalRecord | undefined> {
	const ids = { operation: spec.operation, key: spec.key };
	const latest = await journalIo('re-read the tool call', ids, wait, (o) =>
		spec.journal.get(spec.scope, spec.operation, o),
	);
	return latest == null ? undefined : checked(latest, spec);
}

function checked(value: unknown, spec: RunSpec): JournalRecord {
	const why = recordProblem(value, { scope: spec.scope, operation: spec.operation });
	if (why !== undefined) throw new Error(`the journal returned an unusable record (${why})`);
	return value as JournalRecord;
}

function journalFailure(error: unknown, ids: { operation: string; key: string }): RunResult {
	const journalError =
		error instanceof JournalError
			? error
			: new JournalError(
					`The journal failed to record the tool call; the tool did not run. ${(error as Error)?.message ?? ''}`.trim(),
					{ ...ids, cause: error },
				);
	const classified = classify(journalError, ids, false);
	return { type: 'outcome', outcome: classified?.outcome as ToolOutcome, error: journalError };
}
