export type { IdempotencyErrorCode, IdempotencyErrorDetails } from './base.js';
export { IdempotencyError, isIdempotencyError } from './base.js';
export type { ErrorDetailsWithAnswer, OutcomeUnknownReason, ServerAnswer } from './classes.js';
export {
	InProgressError,
	InvalidRequestError,
	JournalError,
	KeyExpiredError,
	KeyMissingError,
	KeyReuseError,
	NotSentError,
	OperationAbandonedError,
	OutcomeUnknownError,
	RequestRejectedError,
	ResponseValidationError,
} from './classes.js';
export {
	isInProgressError,
	isInvalidRequestError,
	isJournalError,
	isKeyExpiredError,
	isKeyMissingError,
	isKeyReuseError,
	isNotSentError,
	isOperationAbandonedError,
	isOutcomeUnknownError,
	isRequestRejectedError,
	isResponseValidationError,
} from './guards.js';
