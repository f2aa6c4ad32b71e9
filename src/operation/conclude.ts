import { errorCodes } from '../dialects/error-body.js';
import type { IdempotencyError } from '../errors/base.js';
import {
	InvalidRequestError,
	KeyExpiredError,
	KeyReuseError,
	OperationAbandonedError,
} from '../errors/classes.js';
import { keyExpired, wasInterrupted } from '../journal/lifecycle.js';
import type { JournalRecord, RecordOutcome } from '../journal/record.js';
import type { RunOutcome } from '../retry/run.js';
import type { IdemEvent } from '../types/events.js';
import type { IdemResult } from '../types/result.js';
import { withoutSecretHeaders } from '../utils/headers.js';
import { parseBody } from '../utils/parse-body.js';
import { fitsInBytes } from '../utils/read-capped.js';
import type { Subject } from './context.js';
import { exhaustedError, failureError, keyExpiredError } from './failures.js';
import type { PreparedRequest } from './prepare.js';
import type { Sent } from './send.js';
import { setAsideError } from './set-aside.js';

/** What a record keeps of a final answer: the client's body settings. */
export type Keep = { readonly storeBodies: boolean; readonly maxStoredBodyBytes: number };

/**
How a call ends, decided without I/O: the record's last transition, the event to emit once it is written, then the
result or the error. Without `settle` the record stays as it is.
*/
export type Conclusion = {
	readonly settle?: { readonly state: 'succeeded' | 'failed' | 'unknown'; readonly outcome?: RecordOutcome };
	readonly event?: IdemEvent | undefined;
} & (
	| { readonly result: IdemResult; readonly error?: never }
	| { readonly error: unknown; readonly result?: never }
);

/**
The end of the attempt loop. `keep` is the record's settings, absent for a call that has no record (GET, HEAD): it
then writes nothing, emits nothing, and an abort is only an abort. `mayHaveApplied`: whether any attempt of the
operation (this call's or an earlier run's) may have landed.
*/
export function conclude(
	outcome: RunOutcome<Sent>,
	mayHaveApplied: boolean,
	subject: Subject,
	keep: Keep | undefined,
): Conclusion {
	const attempts = outcome.attempts;
	if (outcome.type === 'done') {
		const { decision, value } = outcome.last;
		if (decision.type === 'succeed') {
			const result = resultOf(value, subject, attempts, decision.replayed);
			if (!keep) return { result };
			return {
				settle: { state: 'succeeded', outcome: recordOutcome(value, decision.replayed, keep) },
				event:
					decision.replayed === true
						? { type: 'replay', ...subject, attempt: attempts, source: 'server' }
						: undefined,
				result,
			};
		}
		if (decision.type === 'fail') {
			const error = failureError(decision, value, subject, attempts);
			if (!keep) return { error };
			const reused = decision.failure === 'key_reused' || decision.failure === 'key_reused_after_unknown';
			// Only a definite answer makes the record `failed` (not applied): a stored 5xx replayed, or a key the server
			// says carried another request after an attempt of unknown outcome, leave it `unknown`.
			const unknown = decision.failure === 'unknown' || decision.failure === 'key_reused_after_unknown';
			return {
				settle: unknown
					? { state: 'unknown' }
					: { state: 'failed', outcome: { ...recordOutcome(value, null, keep), error: decision.failure } },
				event: reused ? { type: 'conflict', ...subject, attempt: attempts, source: 'server' } : undefined,
				error,
			};
		}
	}
	// An abort before anything may have landed is the caller's own: its reason, and the record as the loop left it.
	if (outcome.type === 'aborted' && (!keep || !mayHaveApplied)) return { error: outcome.reason };
	return {
		error: exhaustedError(
			outcome as Exclude<typeof outcome, { type: 'done' }>,
			subject,
			attempts,
			mayHaveApplied,
		),
	};
}

/** Another request under an operation the journal (or this process) already holds: refused before sending. */
export const journalConflict = (
	subject: Subject,
	was: string,
): { readonly event: IdemEvent; readonly error: KeyReuseError } => ({
	event: { type: 'conflict', ...subject, attempt: 0, source: 'journal' },
	error: new KeyReuseError(
		`Operation "${subject.operation}" ${was} with a different request. Use a new operation id for a different request.`,
		{ key: subject.key, operation: subject.operation, source: 'journal' },
	),
});

/** Emits a conclusion's event, then hands back its result or throws its error. */
export function ended(ctx: { emit: (event: IdemEvent) => void }, end: Conclusion): IdemResult {
	if (end.event) ctx.emit(end.event);
	if (end.result) return end.result;
	throw end.error;
}

/**
What the operation's stored record answers before any attempt: `undefined` when the call goes on to send. A finished
record answers from the journal; a different request, a different key, an expired key or an operation set aside is
refused.
*/
export function concludeEarly(
	record: JournalRecord,
	request: PreparedRequest,
	subject: Subject,
	now: number,
): Conclusion | undefined {
	const { operation } = subject;
	if (record.fingerprint !== request.fingerprint) {
		return journalConflict(subject, `was first run (${record.method} ${record.path})`);
	}
	if (request.explicitKey !== undefined && record.key !== null && record.key !== request.explicitKey) {
		return {
			error: new InvalidRequestError(
				`Operation "${operation}" already has key ${record.key}, immutable once journaled. Omit "key" or use a new operation id.`,
				{ field: 'key', key: request.explicitKey, operation },
			),
		};
	}
	if (record.state === 'succeeded' || record.state === 'failed') return concludeRecord(record, subject);
	if (record.setAsideAt !== undefined) return { error: setAsideError(record, subject) };
	if (keyExpired(record, now) && wasInterrupted(record)) return { error: keyExpiredError(record, subject) };
	return undefined;
}

/** A finished record answers a rerun without a request: the stored result (a replay by the journal), or the error again. */
export function concludeRecord(record: JournalRecord, subject: Subject): Conclusion {
	if (record.state === 'failed') return { error: storedError(record, subject) };
	return {
		event: { type: 'replay', ...subject, attempt: 0, source: 'journal' },
		result: Object.freeze({
			...answerOf(record),
			key: subject.key,
			operation: subject.operation,
			attempts: 0,
			replayed: true,
			fromJournal: true,
		}),
	};
}

// Only a response is decided "succeed" or "fail": an attempt that ends the loop with one always has it.
type Answered = Extract<Sent, { kind: 'response' }>;

function resultOf(sent: Sent, subject: Subject, attempts: number, replayed: boolean | undefined): IdemResult {
	const { body, status, headers } = sent as Answered;
	return Object.freeze({
		data: body,
		status,
		headers,
		key: subject.key,
		operation: subject.operation,
		attempts,
		replayed,
		fromJournal: false,
	});
}

/** What the record keeps of the answer: status, replay signal, headers without secrets, the body when it fits. */
function recordOutcome(sent: Sent, replayed: boolean | null | undefined, keep: Keep): RecordOutcome {
	const { status, headers } = sent as Answered;
	const outcome: RecordOutcome = {
		status,
		replayed: replayed ?? null,
		headers: withoutSecretHeaders(headers),
	};
	const text = sent.text ?? '';
	if (keep.storeBodies && text.length > 0) {
		if (fitsInBytes(text, keep.maxStoredBodyBytes)) outcome.body = text;
		else outcome.bodyTruncated = true;
	}
	return outcome;
}

/** The answer a record kept, read back as the live one was. */
function answerOf(record: JournalRecord) {
	const outcome = record.outcome;
	const headers = new Headers(outcome?.headers ?? []);
	return {
		status: outcome?.status ?? 0,
		headers,
		data: outcome?.body === undefined ? undefined : parseBody(outcome.body, headers.get('content-type')),
	};
}

/** A failed record raises the same error again on a rerun, without a request. */
function storedError(record: JournalRecord, subject: Subject): IdempotencyError {
	const { error, byHand } = record.outcome ?? {};
	const again = 'Use a new operation id to run it again.';
	if (error === 'key_expired') {
		return new KeyExpiredError(
			`Operation "${subject.operation}" already failed: abandoned after its key expired with the outcome unknown. ${again}`,
			{ key: subject.key, operation: subject.operation, expiredAt: record.expiresAt ?? 0 },
		);
	}
	if (error === 'abandoned') {
		const reason = byHand?.reason;
		return new OperationAbandonedError(
			`Operation "${subject.operation}" was abandoned by hand${reason ? ` (${reason})` : ''} at ${new Date(record.updatedAt).toISOString()}, ${record.attemptsStarted === 0 ? 'before anything was sent' : 'its outcome unknown'}. Check with the server; run it again only under a new operation id.`,
			{ key: subject.key, operation: subject.operation, reason, abandonedAt: record.updatedAt },
		);
	}
	const { status, headers, data: body } = answerOf(record);
	// The code is read off the stored body the same way classify read it off the live one.
	const failure = error === 'key_reused' || error === 'key_missing' ? error : 'rejected';
	const decision = { type: 'fail', failure, errorCode: errorCodes(body)[0] } as const;
	return failureError(decision, { kind: 'response', status, headers, body }, subject, 0, true);
}
