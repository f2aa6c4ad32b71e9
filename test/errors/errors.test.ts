import { describe, expect, it } from 'vitest';
import {
	IdempotencyError,
	InProgressError,
	InvalidRequestError,
	isIdempotencyError,
	isInProgressError,
	isInvalidRequestError,
	isJournalError,
	isKeyExpiredError,
	isKeyMissingError,
	isKeyReuseError,
	isOutcomeUnknownError,
	isRequestRejectedError,
	isResponseValidationError,
	JournalError,
	KeyExpiredError,
	KeyMissingError,
	KeyReuseError,
	OutcomeUnknownError,
	RequestRejectedError,
	ResponseValidationError,
} from '../../src/index.js';

const ids = { key: 'k-1', operation: 'op-1' };
const answer = { status: 409, headers: new Headers(), body: { code: 'x' } };
const cause = new Error('root cause');

const cases = [
	{
		error: new KeyReuseError('m', { ...ids, source: 'server', answer, cause }),
		name: 'KeyReuseError',
		code: 'key_reused',
		guard: isKeyReuseError,
	},
	{
		error: new KeyMissingError('m', { ...ids, answer, cause }),
		name: 'KeyMissingError',
		code: 'key_missing',
		guard: isKeyMissingError,
	},
	{
		error: new InProgressError('m', { ...ids, attempts: 3, cause }),
		name: 'InProgressError',
		code: 'in_progress',
		guard: isInProgressError,
	},
	{
		error: new OutcomeUnknownError('m', { ...ids, attempts: 6, reason: 'network', cause }),
		name: 'OutcomeUnknownError',
		code: 'outcome_unknown',
		guard: isOutcomeUnknownError,
	},
	{
		error: new RequestRejectedError('m', { ...ids, answer, cause }),
		name: 'RequestRejectedError',
		code: 'rejected',
		guard: isRequestRejectedError,
	},
	{
		error: new KeyExpiredError('m', { ...ids, expiredAt: 1, cause }),
		name: 'KeyExpiredError',
		code: 'key_expired',
		guard: isKeyExpiredError,
	},
	{
		error: new JournalError('m', { ...ids, cause }),
		name: 'JournalError',
		code: 'journal',
		guard: isJournalError,
	},
	{
		error: new InvalidRequestError('m', { ...ids, field: 'key', cause }),
		name: 'InvalidRequestError',
		code: 'invalid_request',
		guard: isInvalidRequestError,
	},
	{
		error: new ResponseValidationError('m', { ...ids, status: 200, body: {}, issues: [], cause }),
		name: 'ResponseValidationError',
		code: 'response_invalid',
		guard: isResponseValidationError,
	},
] as const;

describe('error hierarchy', () => {
	it.each(cases)(
		'$name has a literal name, a stable code, the key, the operation and the cause',
		({ error, name, code }) => {
			expect(error).toBeInstanceOf(IdempotencyError);
			expect(error).toBeInstanceOf(Error);
			expect(error.name).toBe(name);
			expect(error.code).toBe(code);
			expect(error.key).toBe('k-1');
			expect(error.operation).toBe('op-1');
			expect(error.cause).toBe(cause);
			expect(isIdempotencyError(error)).toBe(true);
		},
	);

	it.each(cases)('isXError for $name matches only that class', ({ error, guard }) => {
		expect(guard(error)).toBe(true);
		for (const other of cases) {
			if (other.error !== error) expect(guard(other.error)).toBe(false);
		}
	});

	it('guards match an error from another copy of the package by name, not by prototype', () => {
		// What a second bundle of idemkey would throw: same name and code, unrelated class.
		const foreign = Object.assign(new Error('from another copy'), {
			name: 'OutcomeUnknownError',
			code: 'outcome_unknown',
		});
		expect(isOutcomeUnknownError(foreign)).toBe(true);
		expect(isIdempotencyError(foreign)).toBe(true);
		expect(foreign instanceof OutcomeUnknownError).toBe(false);
	});

	it('guards reject non-errors and unrelated errors', () => {
		for (const value of [undefined, null, 'KeyReuseError', { name: 'KeyReuseError' }, new TypeError('x')]) {
			expect(isKeyReuseError(value)).toBe(false);
			expect(isIdempotencyError(value)).toBe(false);
		}
	});

	it('errors without a cause do not carry an own cause property', () => {
		const error = new JournalError('disk full');
		expect('cause' in error).toBe(false);
	});

	it('server answers are exposed on the errors that have one', () => {
		const rejected = new RequestRejectedError('m', {
			answer: { status: 422, headers: new Headers(), body: { title: 'bad' } },
			errorCode: 'bad',
		});
		expect(rejected.status).toBe(422);
		expect(rejected.body).toEqual({ title: 'bad' });
		expect(rejected.errorCode).toBe('bad');
		const reused = new KeyReuseError('m', { source: 'journal' });
		expect(reused.source).toBe('journal');
		expect(reused.status).toBeUndefined();
	});
});
