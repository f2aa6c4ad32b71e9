import { IdempotencyError, type IdempotencyErrorDetails } from './base.js';

/** What the server said about a failed call, kept so a caller can log or show it. */
export type ServerAnswer = {
	status: number;
	headers: Headers;
	/** Parsed JSON (including `application/problem+json`), or the raw text when the body is not JSON. */
	body: unknown;
};

/** Error details plus the server's answer, for errors caused by one. */
export type ErrorDetailsWithAnswer = IdempotencyErrorDetails & { answer?: ServerAnswer | undefined };

/** The answer's status and body, as the errors a server's answer caused carry them. */
const answered = (details: ErrorDetailsWithAnswer) => ({
	status: details.answer?.status,
	body: details.answer?.body,
});

/** The same key was used for a different request. Never retried. */
export class KeyReuseError extends IdempotencyError {
	override name = 'KeyReuseError' as const;
	/** `'server'` when the API rejected the key, `'journal'` when idemkey caught it before sending. */
	declare readonly source: 'server' | 'journal';
	declare readonly status: number | undefined;
	declare readonly body: unknown;

	constructor(message: string, details: ErrorDetailsWithAnswer & { source: 'server' | 'journal' }) {
		super('key_reused', message, details, { source: details.source, ...answered(details) });
	}
}

/** The server requires an Idempotency-Key this call did not send. Never retried. */
export class KeyMissingError extends IdempotencyError {
	override name = 'KeyMissingError' as const;
	declare readonly status: number | undefined;
	declare readonly body: unknown;

	constructor(message: string, details: ErrorDetailsWithAnswer) {
		super('key_missing', message, details, answered(details));
	}
}

/** The server kept answering "in progress" past the in-progress budget. Resume the operation later. */
export class InProgressError extends IdempotencyError {
	override name = 'InProgressError' as const;
	declare readonly attempts: number;
	/** Server's last `Retry-After`, in ms, when it sent one. */
	declare readonly retryAfterMs: number | undefined;
	/** The last "in progress" answer's body: parsed JSON (problem+json aware) or raw text. */
	declare readonly body: unknown;

	constructor(
		message: string,
		details: ErrorDetailsWithAnswer & { attempts: number; retryAfterMs?: number | undefined },
	) {
		const { attempts, retryAfterMs } = details;
		super('in_progress', message, details, { attempts, retryAfterMs, body: details.answer?.body });
	}
}

export type OutcomeUnknownReason =
	| 'network'
	| 'timeout'
	| 'server_error'
	| 'rate_limited'
	| 'aborted'
	| 'deadline'
	/** The server said the key carried another request after an earlier attempt under it had an unknown outcome. */
	| 'key_reused_after_unknown'
	/** The journal failed (or did not answer in time) after an attempt that may have been applied. */
	| 'journal'
	/** Set aside after `maxInterruptedAttempts` attempts were cut off mid-request: resumed only on request. */
	| 'interrupted';

/**
Retries ran out while the outcome was uncertain: the server may or may not have applied the request. Resume with the same `operation` (same key) to find out; never re-issue it under a new operation.
*/
export class OutcomeUnknownError extends IdempotencyError {
	override name = 'OutcomeUnknownError' as const;
	declare readonly attempts: number;
	declare readonly reason: OutcomeUnknownReason;
	declare readonly status: number | undefined;
	/** Body of the last answer (a 5xx, 429), parsed JSON or raw text; `undefined` when the last attempt got none. */
	declare readonly body: unknown;
	/** Server's last `Retry-After`, in ms, when the budget ended because it asked for a longer wait. */
	declare readonly retryAfterMs: number | undefined;

	constructor(
		message: string,
		details: ErrorDetailsWithAnswer & {
			attempts: number;
			reason: OutcomeUnknownReason;
			retryAfterMs?: number | undefined;
		},
	) {
		const { attempts, reason, retryAfterMs } = details;
		super('outcome_unknown', message, details, { attempts, reason, ...answered(details), retryAfterMs });
	}
}

/**
No attempt could be sent: every try failed before a connection existed (connection refused, a DNS or TLS failure), and
no earlier attempt of the operation may have been applied. Nothing was applied; the journal keeps the operation as it
was, so running the same operation again is safe.
*/
export class NotSentError extends IdempotencyError {
	override name = 'NotSentError' as const;
	/** Tries this call made, none of which left the process. */
	declare readonly attempts: number;

	constructor(message: string, details: IdempotencyErrorDetails & { attempts: number }) {
		super('not_sent', message, details, { attempts: details.attempts });
	}
}

/** A definite 4xx: the server did not apply the request. Never retried. */
export class RequestRejectedError extends IdempotencyError {
	override name = 'RequestRejectedError' as const;
	declare readonly status: number;
	declare readonly headers: Headers;
	/** Parsed JSON body (problem+json aware) or raw text. */
	declare readonly body: unknown;
	/** The error code found in the body (`code`, `error.code`, `error.type`, problem `type`), when any. */
	declare readonly errorCode: string | undefined;

	constructor(
		message: string,
		details: IdempotencyErrorDetails & { answer: ServerAnswer; errorCode?: string | undefined },
	) {
		const { status, headers, body } = details.answer;
		super('rejected', message, details, { status, headers, body, errorCode: details.errorCode });
	}
}

/**
The operation was interrupted with an unknown outcome and its key has outlived the server's retention: resending could apply it twice. Reconcile with the server first.
*/
export class KeyExpiredError extends IdempotencyError {
	override name = 'KeyExpiredError' as const;
	/** Epoch ms after which the server may have forgotten the key. */
	declare readonly expiredAt: number;

	constructor(message: string, details: IdempotencyErrorDetails & { expiredAt: number }) {
		super('key_expired', message, details, { expiredAt: details.expiredAt });
	}
}

/** The journal is unreachable, corrupt, or refused a write. Nothing was sent. */
export class JournalError extends IdempotencyError {
	override name = 'JournalError' as const;

	constructor(message: string, details: IdempotencyErrorDetails = {}) {
		super('journal', message, details);
	}
}

/** The call itself is malformed (bad key, a body that cannot be resent, invalid options). Nothing was sent. */
export class InvalidRequestError extends IdempotencyError {
	override name = 'InvalidRequestError' as const;
	/** Which input was wrong, e.g. `'key'`, `'body'`, `'options'`. */
	declare readonly field: string;

	constructor(message: string, details: IdempotencyErrorDetails & { field: string }) {
		super('invalid_request', message, details, { field: details.field });
	}
}

/** The server answered 2xx but the body did not match the `schema` option. The request was applied. */
export class ResponseValidationError extends IdempotencyError {
	override name = 'ResponseValidationError' as const;
	declare readonly status: number;
	declare readonly body: unknown;
	declare readonly issues: readonly unknown[];

	constructor(
		message: string,
		details: IdempotencyErrorDetails & { status: number; body: unknown; issues: readonly unknown[] },
	) {
		const { status, body, issues } = details;
		super('response_invalid', message, details, { status, body, issues });
	}
}

/**
The operation was abandoned by hand (`client.abandon()`, `idemkey abandon`) before its outcome was known: it may or may
not have been applied. Every later run of it raises this again, without a request. Check with the server; run it
again under a new operation id only once you know the first was not applied.
*/
export class OperationAbandonedError extends IdempotencyError {
	override name = 'OperationAbandonedError' as const;
	/** Why it was abandoned, as given to `abandon()`. */
	declare readonly reason: string | undefined;
	/** Epoch ms when it was abandoned. */
	declare readonly abandonedAt: number;

	constructor(
		message: string,
		details: IdempotencyErrorDetails & { reason?: string | undefined; abandonedAt: number },
	) {
		super('abandoned', message, details, { reason: details.reason, abandonedAt: details.abandonedAt });
	}
}
