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

/** The same key was used for a different request. Never retried. */
export class KeyReuseError extends IdempotencyError {
	override name = 'KeyReuseError' as const;
	/** `'server'` when the API rejected the key, `'journal'` when idemkey caught it before sending. */
	readonly source: 'server' | 'journal';
	readonly status: number | undefined;
	readonly body: unknown;

	constructor(message: string, details: ErrorDetailsWithAnswer & { source: 'server' | 'journal' }) {
		super('key_reused', message, details);
		this.source = details.source;
		this.status = details.answer?.status;
		this.body = details.answer?.body;
	}
}

/** The server requires an Idempotency-Key this call did not send. Never retried. */
export class KeyMissingError extends IdempotencyError {
	override name = 'KeyMissingError' as const;
	readonly status: number | undefined;
	readonly body: unknown;

	constructor(message: string, details: ErrorDetailsWithAnswer) {
		super('key_missing', message, details);
		this.status = details.answer?.status;
		this.body = details.answer?.body;
	}
}

/** The server kept answering "in progress" past the in-progress budget. Resume the operation later. */
export class InProgressError extends IdempotencyError {
	override name = 'InProgressError' as const;
	readonly attempts: number;
	/** Server's last `Retry-After`, in ms, when it sent one. */
	readonly retryAfterMs: number | undefined;
	/** The last "in progress" answer's body: parsed JSON (problem+json aware) or raw text. */
	readonly body: unknown;

	constructor(
		message: string,
		details: ErrorDetailsWithAnswer & { attempts: number; retryAfterMs?: number | undefined },
	) {
		super('in_progress', message, details);
		this.attempts = details.attempts;
		this.retryAfterMs = details.retryAfterMs;
		this.body = details.answer?.body;
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
	| 'journal';

/**
Retries ran out while the outcome was uncertain: the server may or may not have applied the request. Resume with the same `operation` (same key) to find out; never re-issue it under a new operation.
*/
export class OutcomeUnknownError extends IdempotencyError {
	override name = 'OutcomeUnknownError' as const;
	readonly attempts: number;
	readonly reason: OutcomeUnknownReason;
	readonly status: number | undefined;
	/** Body of the last answer (a 5xx, 429), parsed JSON or raw text; `undefined` when the last attempt got none. */
	readonly body: unknown;
	/** Server's last `Retry-After`, in ms, when the budget ended because it asked for a longer wait. */
	readonly retryAfterMs: number | undefined;

	constructor(
		message: string,
		details: ErrorDetailsWithAnswer & {
			attempts: number;
			reason: OutcomeUnknownReason;
			retryAfterMs?: number | undefined;
		},
	) {
		super('outcome_unknown', message, details);
		this.attempts = details.attempts;
		this.reason = details.reason;
		this.status = details.answer?.status;
		this.body = details.answer?.body;
		this.retryAfterMs = details.retryAfterMs;
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
	readonly attempts: number;

	constructor(message: string, details: IdempotencyErrorDetails & { attempts: number }) {
		super('not_sent', message, details);
		this.attempts = details.attempts;
	}
}

/** A definite 4xx: the server did not apply the request. Never retried. */
export class RequestRejectedError extends IdempotencyError {
	override name = 'RequestRejectedError' as const;
	readonly status: number;
	readonly headers: Headers;
	/** Parsed JSON body (problem+json aware) or raw text. */
	readonly body: unknown;
	/** The error code found in the body (`code`, `error.code`, `error.type`, problem `type`), when any. */
	readonly errorCode: string | undefined;

	constructor(
		message: string,
		details: IdempotencyErrorDetails & { answer: ServerAnswer; errorCode?: string | undefined },
	) {
		super('rejected', message, details);
		this.status = details.answer.status;
		this.headers = details.answer.headers;
		this.body = details.answer.body;
		this.errorCode = details.errorCode;
	}
}

/**
The operation was interrupted with an unknown outcome and its key has outlived the server's retention: resending could apply it twice. Reconcile with the server first.
*/
export class KeyExpiredError extends IdempotencyError {
	override name = 'KeyExpiredError' as const;
	/** Epoch ms after which the server may have forgotten the key. */
	readonly expiredAt: number;

	constructor(message: string, details: IdempotencyErrorDetails & { expiredAt: number }) {
		super('key_expired', message, details);
		this.expiredAt = details.expiredAt;
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
	readonly field: string;

	constructor(message: string, details: IdempotencyErrorDetails & { field: string }) {
		super('invalid_request', message, details);
		this.field = details.field;
	}
}

/** The server answered 2xx but the body did not match the `schema` option. The request was applied. */
export class ResponseValidationError extends IdempotencyError {
	override name = 'ResponseValidationError' as const;
	readonly status: number;
	readonly body: unknown;
	readonly issues: readonly unknown[];

	constructor(
		message: string,
		details: IdempotencyErrorDetails & { status: number; body: unknown; issues: readonly unknown[] },
	) {
		super('response_invalid', message, details);
		this.status = details.status;
		this.body = details.body;
		this.issues = details.issues;
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
	readonly reason: string | undefined;
	/** Epoch ms when it was abandoned. */
	readonly abandonedAt: number;

	constructor(
		message: string,
		details: IdempotencyErrorDetails & { reason?: string | undefined; abandonedAt: number },
	) {
		super('abandoned', message, details);
		this.reason = details.reason;
		this.abandonedAt = details.abandonedAt;
	}
}
