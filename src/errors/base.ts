/** Stable machine-readable codes, one per error class. */
export type IdempotencyErrorCode =
	| 'key_reused'
	| 'key_missing'
	| 'in_progress'
	| 'outcome_unknown'
	| 'not_sent'
	| 'rejected'
	| 'key_expired'
	| 'journal'
	| 'invalid_request'
	| 'response_invalid'
	| 'abandoned';

export type IdempotencyErrorDetails = {
	/** The Idempotency-Key the operation used; `undefined` for calls that carry no key. */
	key?: string | undefined;
	/** The logical operation id. */
	operation?: string | undefined;
	cause?: unknown;
};

/**
Base class of every error idemkey raises. Match on `code` (stable) or use the `isXError()` guards, which compare `name` so that two copies of the package agree.
*/
export class IdempotencyError extends Error {
	override name: string = 'IdempotencyError';
	readonly code: IdempotencyErrorCode;
	readonly key: string | undefined;
	readonly operation: string | undefined;

	/** `fields`: a subclass's own fields, each set even when `undefined`, so every instance has the same shape. */
	constructor(
		code: IdempotencyErrorCode,
		message: string,
		details: IdempotencyErrorDetails = {},
		fields: object = {},
	) {
		super(message, details.cause === undefined ? undefined : { cause: details.cause });
		this.code = code;
		this.key = details.key;
		this.operation = details.operation;
		Object.assign(this, fields);
	}
}

const NAMES = new Set([
	'IdempotencyError',
	'KeyReuseError',
	'KeyMissingError',
	'InProgressError',
	'OutcomeUnknownError',
	'NotSentError',
	'RequestRejectedError',
	'KeyExpiredError',
	'JournalError',
	'InvalidRequestError',
	'ResponseValidationError',
	'OperationAbandonedError',
]);

export function isIdempotencyError(error: unknown): error is IdempotencyError {
	return (
		error instanceof Error && NAMES.has(error.name) && typeof (error as { code?: unknown }).code === 'string'
	);
}
