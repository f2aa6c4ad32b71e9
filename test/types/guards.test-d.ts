import { describe, expectTypeOf, it } from 'vitest';
import type * as idemkey from '../../src/index.js';
import {
	type IdempotencyError,
	type IdempotencyErrorCode,
	type InProgressError,
	type InvalidRequestError,
	isIdempotencyError,
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
	type JournalError,
	type KeyExpiredError,
	type KeyMissingError,
	type KeyReuseError,
	type NotSentError,
	type OperationAbandonedError,
	type OutcomeUnknownError,
	type OutcomeUnknownReason,
	type RequestRejectedError,
	type ResponseValidationError,
} from '../../src/index.js';

// What a `catch` clause holds under useUnknownInCatchVariables: nothing is known until a guard says so.
declare const error: unknown;

describe('the error guards', () => {
	it('are every is*Error exported from the root, each tested below', () => {
		expectTypeOf<Extract<keyof typeof idemkey, `is${string}Error`>>().toEqualTypeOf<
			| 'isIdempotencyError'
			| 'isKeyReuseError'
			| 'isKeyMissingError'
			| 'isInProgressError'
			| 'isOutcomeUnknownError'
			| 'isNotSentError'
			| 'isRequestRejectedError'
			| 'isKeyExpiredError'
			| 'isJournalError'
			| 'isInvalidRequestError'
			| 'isResponseValidationError'
			| 'isOperationAbandonedError'
		>();
	});

	it('isIdempotencyError: the base class, its stable code, key and operation', () => {
		if (!isIdempotencyError(error)) return;
		expectTypeOf(error).toEqualTypeOf<IdempotencyError>();
		expectTypeOf(error.code).toEqualTypeOf<IdempotencyErrorCode>();
		expectTypeOf(error.key).toEqualTypeOf<string | undefined>();
		expectTypeOf(error.operation).toEqualTypeOf<string | undefined>();
	});

	it('isKeyReuseError: who caught the reuse, and the server answer', () => {
		if (!isKeyReuseError(error)) return;
		expectTypeOf(error).toEqualTypeOf<KeyReuseError>();
		expectTypeOf(error.name).toEqualTypeOf<'KeyReuseError'>();
		expectTypeOf(error.source).toEqualTypeOf<'server' | 'journal'>();
		expectTypeOf(error.status).toEqualTypeOf<number | undefined>();
		expectTypeOf(error.body).toBeUnknown();
		// Narrowing keeps the base fields: one catch can log any idemkey error the same way.
		expectTypeOf(error.operation).toEqualTypeOf<string | undefined>();
	});

	it('isKeyMissingError: the server answer', () => {
		if (!isKeyMissingError(error)) return;
		expectTypeOf(error).toEqualTypeOf<KeyMissingError>();
		expectTypeOf(error.name).toEqualTypeOf<'KeyMissingError'>();
		expectTypeOf(error.status).toEqualTypeOf<number | undefined>();
		expectTypeOf(error.body).toBeUnknown();
	});

	it('isInProgressError: attempts and the wait the server asked for', () => {
		if (!isInProgressError(error)) return;
		expectTypeOf(error).toEqualTypeOf<InProgressError>();
		expectTypeOf(error.name).toEqualTypeOf<'InProgressError'>();
		expectTypeOf(error.attempts).toEqualTypeOf<number>();
		expectTypeOf(error.retryAfterMs).toEqualTypeOf<number | undefined>();
		expectTypeOf(error.body).toBeUnknown();
	});

	it('isOutcomeUnknownError: why the outcome is unknown, and the last answer', () => {
		if (!isOutcomeUnknownError(error)) return;
		expectTypeOf(error).toEqualTypeOf<OutcomeUnknownError>();
		expectTypeOf(error.name).toEqualTypeOf<'OutcomeUnknownError'>();
		expectTypeOf(error.reason).toEqualTypeOf<OutcomeUnknownReason>();
		expectTypeOf<'network' | 'timeout' | 'deadline' | 'journal'>().toExtend<typeof error.reason>();
		expectTypeOf(error.attempts).toEqualTypeOf<number>();
		expectTypeOf(error.status).toEqualTypeOf<number | undefined>();
		expectTypeOf(error.retryAfterMs).toEqualTypeOf<number | undefined>();
		expectTypeOf(error.body).toBeUnknown();
	});

	it('isNotSentError: the tries, none of which left', () => {
		if (!isNotSentError(error)) return;
		expectTypeOf(error).toEqualTypeOf<NotSentError>();
		expectTypeOf(error.name).toEqualTypeOf<'NotSentError'>();
		expectTypeOf(error.attempts).toEqualTypeOf<number>();
	});

	it('isRequestRejectedError: the status (always there), headers, body and error code', () => {
		if (!isRequestRejectedError(error)) return;
		expectTypeOf(error).toEqualTypeOf<RequestRejectedError>();
		expectTypeOf(error.name).toEqualTypeOf<'RequestRejectedError'>();
		expectTypeOf(error.status).toEqualTypeOf<number>();
		expectTypeOf(error.headers).toEqualTypeOf<Headers>();
		expectTypeOf(error.body).toBeUnknown();
		expectTypeOf(error.errorCode).toEqualTypeOf<string | undefined>();
	});

	it('isKeyExpiredError: when the key expired', () => {
		if (!isKeyExpiredError(error)) return;
		expectTypeOf(error).toEqualTypeOf<KeyExpiredError>();
		expectTypeOf(error.name).toEqualTypeOf<'KeyExpiredError'>();
		expectTypeOf(error.expiredAt).toEqualTypeOf<number>();
	});

	it('isJournalError: the base fields and the cause', () => {
		if (!isJournalError(error)) return;
		expectTypeOf(error).toEqualTypeOf<JournalError>();
		expectTypeOf(error.name).toEqualTypeOf<'JournalError'>();
		expectTypeOf(error.code).toEqualTypeOf<IdempotencyErrorCode>();
		expectTypeOf(error.cause).toBeUnknown();
	});

	it('isInvalidRequestError: which input was wrong', () => {
		if (!isInvalidRequestError(error)) return;
		expectTypeOf(error).toEqualTypeOf<InvalidRequestError>();
		expectTypeOf(error.name).toEqualTypeOf<'InvalidRequestError'>();
		expectTypeOf(error.field).toEqualTypeOf<string>();
	});

	it('isResponseValidationError: the status, the body and the issues', () => {
		if (!isResponseValidationError(error)) return;
		expectTypeOf(error).toEqualTypeOf<ResponseValidationError>();
		expectTypeOf(error.name).toEqualTypeOf<'ResponseValidationError'>();
		expectTypeOf(error.status).toEqualTypeOf<number>();
		expectTypeOf(error.body).toBeUnknown();
		expectTypeOf(error.issues).toEqualTypeOf<readonly unknown[]>();
	});

	it('isOperationAbandonedError: why and when', () => {
		if (!isOperationAbandonedError(error)) return;
		expectTypeOf(error).toEqualTypeOf<OperationAbandonedError>();
		expectTypeOf(error.name).toEqualTypeOf<'OperationAbandonedError'>();
		expectTypeOf(error.reason).toEqualTypeOf<string | undefined>();
		expectTypeOf(error.abandonedAt).toEqualTypeOf<number>();
	});

	it('narrow in the expression a caller writes', () => {
		expectTypeOf(isKeyReuseError(error) && error.source).toEqualTypeOf<false | 'server' | 'journal'>();
		expectTypeOf(isRequestRejectedError(error) && error.status).toEqualTypeOf<number | false>();
		// @ts-expect-error only a KeyReuseError has a source
		void (isRequestRejectedError(error) && error.source);
	});

	it('do not overlap: a value one guard matched is not another class', () => {
		if (!isKeyReuseError(error)) return;
		// @ts-expect-error a KeyReuseError has no expiredAt
		void error.expiredAt;
	});
});
