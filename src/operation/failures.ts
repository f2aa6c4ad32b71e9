import type { IdempotencyError } from '../errors/base.js';
import {
	InProgressError,
	type JournalError,
	KeyExpiredError,
	KeyMissingError,
	KeyReuseError,
	NotSentError,
	OutcomeUnknownError,
	type OutcomeUnknownReason,
	RequestRejectedError,
	type ServerAnswer,
} from '../errors/classes.js';
import type { JournalRecord } from '../journal/record.js';
import type { Decision, Observation } from '../retry/classify.js';
import type { RunOutcome } from '../retry/run.js';
import { count } from '../utils/plural.js';
import { MAX_REDIRECTS, REDIRECT_STATUSES } from '../utils/redirects.js';
import { describeUrl } from '../utils/url.js';
import type { Subject } from './context.js';
import type { Sent } from './send.js';

const answerOf = (observation: Observation | undefined): ServerAnswer | undefined =>
	observation?.kind === 'response'
		? { status: observation.status, headers: observation.headers, body: observation.body }
		: undefined;

const where = (s: Subject) =>
	`${s.method} ${s.url} (operation ${s.operation}${s.key ? `, key ${s.key}` : ''})`;

/** Where a redirect pointed, shown without its query (which may carry a token). */
function locationOf(answer: ServerAnswer, subject: Subject): string {
	const location = answer.headers.get('location');
	if (location === null) return 'no Location';
	try {
		return describeUrl(new URL(location, subject.url));
	} catch {
		return 'an invalid Location';
	}
}

/** The message for a redirect idemkey did not follow (writes never; reads only within the origin, a few hops). */
function redirectMessage(answer: ServerAnswer, subject: Subject, applied: 'not' | 'unknown'): string {
	const what =
		answer.status === 0
			? `The server answered ${where(subject)} with a redirect the browser hides (an opaque redirect)`
			: `The server answered ${answer.status}, redirecting ${where(subject)} to ${locationOf(answer, subject)}`;
	if (subject.method === 'GET' || subject.method === 'HEAD') {
		return `${what}. It was not followed: reads follow redirects only within the baseUrl origin, at most ${MAX_REDIRECTS} in a row.`;
	}
	return `${what}. A write is never replayed to another URL, so it was not followed; ${
		applied === 'not'
			? 'the server did not apply it here. Point the client at the new URL.'
			: `whether the server applied it is unknown (${
					answer.status === 0
						? 'the browser does not say which redirect it was'
						: 'a 301/302 means "moved" to some servers and "done, see other" to others'
				}). Check with the server, then resume or resolve the operation.`
	}`;
}

const isRedirect = (answer: ServerAnswer): boolean => REDIRECT_STATUSES.has(answer.status);

/** The typed error for a final `fail` decision. */
export function failureError(
	failure: Extract<Decision, { type: 'fail' }>,
	observation: Observation | undefined,
	subject: Subject,
	attempts: number,
): IdempotencyError {
	const answer = answerOf(observation);
	const base = { key: subject.key, operation: subject.operation, answer };
	const status = answer ? ` answered ${answer.status}` : '';
	switch (failure.failure) {
		case 'key_reused':
			return new KeyReuseError(
				`The server${status}: this Idempotency-Key was already used for a different request, ${where(subject)}. Use a new operation id for a different request.`,
				{ ...base, source: 'server' },
			);
		case 'key_reused_after_unknown':
			// Never "not applied", and never the advice to send it under a new operation id: that is how it gets booked twice.
			return new OutcomeUnknownError(
				`The server${status}: this Idempotency-Key was already used for a different request, ${where(subject)}. An earlier attempt under this key had an unknown outcome, so it may have been applied: what the server holds may be that attempt. Reconcile with the server (look the effect up) before anything else; never resend it under another operation id.`,
				{ ...base, attempts, reason: 'key_reused_after_unknown' },
			);
		case 'key_missing':
			return new KeyMissingError(
				`The server${status}: it requires an Idempotency-Key on ${where(subject)}. Configure a dialect whose keyedMethods include ${subject.method}.`,
				base,
			);
		case 'unknown':
			if (answer && isRedirect(answer)) {
				return new OutcomeUnknownError(redirectMessage(answer, subject, 'unknown'), {
					...base,
					attempts,
					reason: 'server_error',
				});
			}
			return new OutcomeUnknownError(
				`The server${status} and replays that stored error for this key, so retrying cannot change it: ${where(subject)} may or may not have been applied. Reconcile with the server.`,
				{ ...base, attempts, reason: 'server_error' },
			);
		default:
			if (!answer) throw new Error('a rejection always has an answer');
			if (isRedirect(answer)) {
				return new RequestRejectedError(redirectMessage(answer, subject, 'not'), { ...base, answer });
			}
			return new RequestRejectedError(
				`The server rejected ${where(subject)} with ${answer.status}${failure.errorCode ? ` (${failure.errorCode})` : ''}; it was not applied.`,
				{ ...base, answer, errorCode: failure.errorCode },
			);
	}
}

// A refused last attempt after one that may have landed: the operation is unknown, its last failure a network one.
const reasonOf = (decision: Decision | undefined): OutcomeUnknownReason =>
	decision?.type === 'retry' && decision.reason !== 'not_sent' ? decision.reason : 'network';

/**
The typed error when retries ran out or the caller aborted after something may have been applied. `mayHaveApplied`:
whether any attempt of the operation (this call's or an earlier run's) may have landed.
*/
export function exhaustedError(
	outcome: Extract<RunOutcome<Sent>, { type: 'exhausted' | 'aborted' }>,
	subject: Subject,
	attempts: number,
	mayHaveApplied: boolean,
): IdempotencyError {
	const last = outcome.last;
	const decision = last?.decision;
	if (outcome.type === 'exhausted' && !mayHaveApplied && (!decision || isNotSent(decision))) {
		return new NotSentError(
			`${where(subject)} was not sent: ${
				last
					? `the server could not be reached (${describe(last.value.cause)}) in ${count(attempts, 'try', 'tries')}`
					: 'the deadline passed before the first try'
			}. Nothing was applied; run the same operation again once the server is reachable.`,
			{ key: subject.key, operation: subject.operation, attempts, cause: last?.value.cause },
		);
	}
	const answer = answerOf(last?.value.observation);
	const retryAfterMs =
		decision && (decision.type === 'retry' || decision.type === 'in_progress')
			? decision.retryAfterMs
			: undefined;
	const cause = outcome.type === 'aborted' ? outcome.reason : last?.value.cause;
	const details = { key: subject.key, operation: subject.operation, answer, attempts, retryAfterMs, cause };
	const why =
		outcome.type === 'aborted'
			? 'the call was aborted'
			: outcome.why === 'retry_after'
				? `the server asked to wait ${retryAfterMs} ms, longer than the time left`
				: outcome.why === 'deadline'
					? 'the deadline (retry.maxRetryTime) passed'
					: 'the retry budget ran out';
	if (outcome.type === 'exhausted' && decision?.type === 'in_progress') {
		return new InProgressError(
			`The server still reports ${where(subject)} in progress after ${count(attempts, 'attempt')}; ${why}. Resume the same operation later.`,
			details,
		);
	}
	const reason: OutcomeUnknownReason =
		outcome.type === 'aborted' ? 'aborted' : outcome.why === 'budget' ? reasonOf(decision) : 'deadline';
	return new OutcomeUnknownError(
		`${where(subject)} may or may not have been applied: ${why} after ${count(attempts, 'attempt')} (last: ${
			answer ? `status ${answer.status}` : reasonOf(decision)
		}). Resume it with the same operation id; never resend it under a new one.`,
		{ ...details, reason },
	);
}

const isNotSent = (decision: Decision) => decision.type === 'retry' && decision.reason === 'not_sent';

/** The innermost message of a transport error (`connect ECONNREFUSED 127.0.0.1:8080`), for the error's text. */
function describe(cause: unknown): string {
	let message = 'connection failed';
	for (let link = cause, depth = 0; link instanceof Error && depth < 8; link = link.cause, depth++) {
		if (link.message) message = link.message;
	}
	return message;
}

/** A `JournalError` says "nothing was sent", which is no longer the whole truth once an attempt may have landed. */
export const journalFailedAfterSend = (error: JournalError, subject: Subject, attempts: number) =>
	new OutcomeUnknownError(
		`${error.message} An earlier attempt of operation "${subject.operation}" may have been applied, so its outcome is unknown. Resume it with the same operation id once the journal answers; never resend it under a new one.`,
		{ key: subject.key, operation: subject.operation, attempts, reason: 'journal', cause: error },
	);

export const keyExpiredError = (record: JournalRecord, subject: Subject) =>
	new KeyExpiredError(
		`Operation "${subject.operation}" was interrupted with an unknown outcome and its key expired at ${new Date(
			record.expiresAt ?? 0,
		).toISOString()} (the server's retention); resending could apply it twice. Check with the server whether it was applied, then abandon it or run it as a new operation.`,
		{ key: subject.key, operation: subject.operation, expiredAt: record.expiresAt ?? 0 },
	);
