import type { IdempotencyError } from '../errors/base.js';
import { isIdempotencyError } from '../errors/base.js';
import {
	JournalError,
	KeyExpiredError,
	KeyMissingError,
	KeyReuseError,
	OperationAbandonedError,
	RequestRejectedError,
} from '../errors/classes.js';
import type { Journal } from '../journal/journal.js';
import { claimed, keyExpired, newClaimedRecord, settled, wasInterrupted } from '../journal/lifecycle.js';
import {
	isFinished,
	type JournalRecord,
	type OperationState,
	type RecordOutcome,
	recordProblem,
} from '../journal/record.js';
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
	execute: () => Promise<unknown>;
};

/** How a run ended, for every caller that waited on it. Never a rejection: each caller decides what to throw. */
export type RunResult =
	| { type: 'result'; value: unknown }
	| { type: 'outcome'; outcome: ToolOutcome; error: IdempotencyError | undefined }
	| { type: 'thrown'; error: unknown };

// The record of a tool call is HTTP-shaped like every record (one journal, one schema): the tool's name stands in
// for the path, and the outcome body holds the result as JSON.
const METHOD = 'TOOL';
const MAX_CAS_ROUNDS = 5;

/**
One tool call under the record lifecycle: the record is written (claimed) before `execute` runs; a finished record
answers without running it; an unfinished one (a crash, a lost answer) is claimed again and re-run under the same key.
*/
export async function runRecorded(spec: RunSpec): Promise<RunResult> {
	const ids = { operation: spec.operation, key: spec.key };
	const fresh = newClaimedRecord({
		scope: spec.scope,
		operation: spec.operation,
		key: spec.key,
		fingerprint: spec.fingerprint,
		method: METHOD,
		path: spec.tool,
		now: Date.now(),
		retentionMs: spec.retentionMs,
		keepMs: spec.keepMs,
	});
	let current: JournalRecord;
	let earlierUnknown = false;
	try {
		const stored = await spec.journal.create(fresh);
		const record = stored === fresh ? fresh : checked(stored, spec);
		if (record === fresh || sameNewRecord(record, fresh)) {
			current = record;
		} else {
			const taken = await claimExisting(spec, record);
			if ('type' in taken) return taken;
			current = taken.record;
			earlierUnknown = taken.earlierUnknown;
		}
	} catch (error) {
		return journalFailure(error, ids);
	}

	let value: unknown;
	try {
		value = await spec.execute();
	} catch (error) {
		const classified = isIdempotencyError(error) ? classify(error, ids, spec.retrySafe) : undefined;
		if (!classified) {
			// Not an outcome idemkey knows: it may have had an effect. Left unfinished, a re-run resends under the key.
			await settleQuietly(spec, current, 'unknown');
			return { type: 'thrown', error };
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

/** An earlier call's record: answer from it when it is finished, else claim it for this run. */
async function claimExisting(
	spec: RunSpec,
	record: JournalRecord,
): Promise<RunResult | { record: JournalRecord; earlierUnknown: boolean }> {
	let current = record;
	for (let round = 0; round < MAX_CAS_ROUNDS; round++) {
		const answer = answerFrom(current, spec);
		if (answer) return answer;
		const next = claimed(current, Date.now());
		if (await spec.journal.compareAndSet(next)) {
			return { record: next, earlierUnknown: wasInterrupted(current) && current.attemptsStarted > 0 };
		}
		const latest = await spec.journal.get(spec.scope, spec.operation);
		if (!latest) throw new Error('the record disappeared while the call ran');
		current = checked(latest, spec);
	}
	throw new Error(`compare-and-set failed ${MAX_CAS_ROUNDS} times`);
}

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
	if (keyExpired(record, Date.now()) && wasInterrupted(record)) {
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
	// Length in UTF-16 units is a cheap upper bound first; exact bytes only when close.
	if (
		text !== undefined &&
		(text.length * 3 <= maxBytes || new TextEncoder().encode(text).length <= maxBytes)
	) {
		outcome.body = text;
	} else {
		outcome.bodyTruncated = true;
	}
	return outcome;
}

/**
Writes the end of the run on top of the latest record. Best effort, like the client's final writes: the action has
happened, and a record left unfinished is re-run under the same key, which is safe.
*/
async function settleQuietly(
	spec: RunSpec,
	from: JournalRecord,
	state: Exclude<OperationState, 'inflight'>,
	outcome?: RecordOutcome,
): Promise<void> {
	let current = from;
	try {
		for (let round = 0; round < MAX_CAS_ROUNDS; round++) {
			if (await spec.journal.compareAndSet(settled(current, state, Date.now(), outcome))) return;
			const latest = await spec.journal.get(spec.scope, spec.operation);
			if (!latest || recordProblem(latest, spec) !== undefined || isFinished(latest.state)) return;
			current = latest;
		}
	} catch {}
}

function checked(value: unknown, spec: RunSpec): JournalRecord {
	const why = recordProblem(value, { scope: spec.scope, operation: spec.operation });
	if (why !== undefined) throw new Error(`the journal returned an unusable record (${why})`);
	return value as JournalRecord;
}

// A journal that copies records (anything but MemoryJournal) hands back an equal record, not the very one: an earlier
// call's record of the same operation has another creation time or has moved on from its first revision.
const sameNewRecord = (record: JournalRecord, fresh: JournalRecord): boolean =>
	record.revision === 1 &&
	record.state === 'inflight' &&
	record.createdAt === fresh.createdAt &&
	record.key === fresh.key &&
	record.fingerprint === fresh.fingerprint;

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
