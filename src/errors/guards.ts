import type {
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

// Guards compare `name`, not `instanceof`, so errors from another copy of idemkey (two bundles, a worker) still match.
const guard =
	<T>(name: string) =>
	(error: unknown): error is T =>
		error instanceof Error && error.name === name;

export const isKeyReuseError = guard<KeyReuseError>('KeyReuseError');
export const isKeyMissingError = guard<KeyMissingError>('KeyMissingError');
export const isInProgressError = guard<InProgressError>('InProgressError');
export const isOutcomeUnknownError = guard<OutcomeUnknownError>('OutcomeUnknownError');
export const isNotSentError = guard<NotSentError>('NotSentError');
export const isRequestRejectedError = guard<RequestRejectedError>('RequestRejectedError');
export const isKeyExpiredError = guard<KeyExpiredError>('KeyExpiredError');
export const isJournalError = guard<JournalError>('JournalError');
export const isInvalidRequestError = guard<InvalidRequestError>('InvalidRequestError');
export const isResponseValidationError = guard<ResponseValidationError>('ResponseValidationError');
export const isOperationAbandonedError = guard<OperationAbandonedError>('OperationAbandonedError');
