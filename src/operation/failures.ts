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

// Every message names the call once, then what happened, then what to do.
export const where = (s: Subject) =>
	`${s.method} ${s.url} (operation ${s.operation}${s.key ? `, key ${s.key}` : ''})`;

export const RESUME = 'Resume it under the same operation id, never a new one.';

const answerOf = (observation: Observation | undefined): ServerAnswer | undefined =>
	observation?.kind === 'response'
		? { status: observation.status, headers: observation.headers, body: observation.body }
		: undefined;

/** Where a redirect pointed, without its query (which may carry a token). */
function locationOf(answer: ServerAnswer, subject: Subject): string {
	const location = answer.headers.get('location');
	try {
		return location === null ? 'no Location' : describeUrl(new URL(location, subject.url));
	} catch {
		return 'an invalid Location';
	}
}

/** A redirect idemkey did not follow: a write never; a read only within the origin, a few hops. */
function redirectMessage(answer: ServerAnswer, subject: Subject, applied: boolean | undefined): string {
	const what = `${where(subject)} got ${
		answer.status === 0
			? 'an opaque redirect'
			: `a ${answer.status} redirect to ${locationOf(answer, subject)}`
	}, not followed`;
	if (subject.method === 'GET' || subject.method === 'HEAD') {
		return `${what}: reads follow at most ${MAX_REDIRECTS} redirects, on the baseUrl origin.`;
	}
	return `${what}: a write is never replayed elsewhere. ${
		applied === false
			? 'Not applied here; point the client at the new URL.'
			: 'It may have been applied (to some servers a 301/302 means "done"): check with the server.'
	}`;
}

/**
The typed error for a final `fail` decision; `stored`: the journal's record of an earlier run's, which a rerun raises
again without a request.
*/
export function failureError(
	failure: Extract<Decision, { type: 'fail' }>,
	observation: Observation | undefined,
	subject: Subject,
	attempts: number,
	stored = false,
): IdempotencyError {
	// A fail is always decided on a response.
	const answer = answerOf(observation) as ServerAnswer;
	const base = { key: subject.key, operation: subject.operation, answer };
	const said = `${where(subject)}: ${stored ? 'already failed, ' : ''}the server answered ${answer.status}`;
	const redirect = REDIRECT_STATUSES.has(answer.status);
	switch (failure.failure) {
		case 'key_reused':
			return new KeyReuseError(
				`${said}: the key carried another request. Use a new operation id for a different request.`,
				{ ...base, source: 'server' },
			);
		case 'key_reused_after_unknown':
			// Never "not applied", and never the advice of a new operation id: that is how it gets booked twice.
			return new OutcomeUnknownError(
				`${said}: the key carried another request, but an earlier attempt may have been applied. Reconcile with the server; never resend it under another operation id.`,
				{ ...base, attempts, reason: 'key_reused_after_unknown' },
			);
		case 'key_missing':
			return new KeyMissingError(
				`${said}: an Idempotency-Key is required. Use a dialect whose keyedMethods include ${subject.method}.`,
				base,
			);
		case 'unknown':
			return new OutcomeUnknownError(
				redirect
					? redirectMessage(answer, subject, undefined)
					: `${said}, a stored error replayed for this key: it may or may not have been applied. Reconcile with the server.`,
				{ ...base, attempts, reason: 'server_error' },
			);
		default:
			return new RequestRejectedError(
				redirect
					? redirectMessage(answer, subject, false)
					: `${said}${failure.errorCode ? ` (${failure.errorCode})` : ''}: rejected, not applied.${stored ? ' Use a new operation id to run it again.' : ''}`,
				// classify reads no code off a redirect, so a live one has none.
				{ ...base, errorCode: failure.errorCode },
			);
	}
}

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
	const { last } = outcome;
	const decision = last?.decision;
	// A refused last attempt after one that may have landed: unknown, its last failure a network one.
	const lastReason = decision?.type === 'retry' ? decision.reason : 'network';
	const ids = { key: subject.key, operation: subject.operation, attempts };
	if (outcome.type === 'exhausted' && !mayHaveApplied && (!decision || lastReason === 'not_sent')) {
		const cause = last?.value.cause;
		return new NotSentError(
			`${where(subject)} was not sent: ${
				last
					? `the server could not be reached (${innermost(cause)})${attempts > 0 ? ` in ${count(attempts, 'try', 'tries')}` : ''}`
					: 'the deadline passed before the first try'
			}. Nothing was applied; run it again once the server is reachable.`,
			{ ...ids, cause },
		);
	}
	const retryAfterMs =
		decision?.type === 'retry' || decision?.type === 'in_progress' ? decision.retryAfterMs : undefined;
	const answer = answerOf(last?.value);
	const details = {
		...ids,
		answer,
		retryAfterMs,
		cause: outcome.type === 'aborted' ? outcome.reason : last?.value.cause,
	};
	const why =
		outcome.type === 'aborted'
			? 'the call was aborted'
			: {
					retry_after: `the server asked to wait ${retryAfterMs} ms, past the deadline`,
					deadline: 'retry.maxRetryTime passed',
					budget: 'the retry budget ran out',
				}[outcome.why];
	if (outcome.type === 'exhausted' && decision?.type === 'in_progress') {
		return new InProgressError(
			`${where(subject)} still in progress after ${count(attempts, 'attempt')}: ${why}. Resume it later.`,
			details,
		);
	}
	const reason: OutcomeUnknownReason =
		outcome.type === 'aborted'
			? 'aborted'
			: outcome.why !== 'budget'
				? 'deadline'
				: lastReason === 'not_sent'
					? 'network'
					: lastReason;
	return new OutcomeUnknownError(
		`${where(subject)} may or may not have been applied: ${why} after ${count(attempts, 'attempt')} (last: ${
			answer ? `status ${answer.status}` : lastReason === 'not_sent' ? 'network' : lastReason
		}). ${RESUME}`,
		{ ...details, reason },
	);
}

/** The innermost message of a transport error (`connect ECONNREFUSED 127.0.0.1:8080`). */
function innermost(cause: unknown): string {
	let message = 'connection failed';
	for (let link = cause, depth = 0; link instanceof Error && depth < 8; link = link.cause, depth++) {
		if (link.message) message = link.message;
	}
	return message;
}

/** A `JournalError` says "nothing was sent", which is no longer the whole truth once an attempt may have landed. */
export const journalFailedAfterSend = (error: JournalError, subject: Subject, attempts: number) =>
	new OutcomeUnknownError(
		`${error.message} An earlier attempt of operation "${subject.operation}" may have been applied. ${RESUME}`,
		{ key: subject.key, operation: subject.operation, attempts, reason: 'journal', cause: error },
	);

export const keyExpiredError = (record: JournalRecord, subject: Subject) =>
	new KeyExpiredError(
		`Operation "${subject.operation}": outcome unknown and key expired at ${new Date(
			record.expiresAt ?? 0,
		).toISOString()}, so resending could apply it twice. Check with the server, then abandon it or run it as a new operation.`,
		{ key: subject.key, operation: subject.operation, expiredAt: record.expiresAt ?? 0 },
	);
