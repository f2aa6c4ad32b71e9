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
	isNotSentError,
	isOutcomeUnknownError,
	isRequestRejectedError,
	isResponseValidationError,
	JournalError,
	KeyExpiredError,
	KeyMissingError,
	KeyReuseError,
	NotSentError,
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
		error: new NotSentError('m', { ...ids, attempts: 3, cause }),
		name: 'NotSentError',
		code: 'not_sent',
		guard: isNotSentError,
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

	it('each class exposes its own fields from the details it was given', () => {
		const headers = new Headers({ 'retry-after': '3' });
		const served = { status: 503, headers, body: { code: 'busy' } };
		expect(new KeyReuseError('m', { source: 'server', answer })).toMatchObject({
			source: 'server',
			status: 409,
			body: { code: 'x' },
		});
		expect(new KeyMissingError('m', { answer: { ...answer, status: 400 } })).toMatchObject({
			status: 400,
			body: { code: 'x' },
		});
		expect(new InProgressError('m', { attempts: 4, retryAfterMs: 1_000 })).toMatchObject({
			attempts: 4,
			retryAfterMs: 1_000,
		});
		expect(
			new OutcomeUnknownError('m', { attempts: 6, reason: 'deadline', retryAfterMs: 3_000, answer: served }),
		).toMatchObject({ attempts: 6, reason: 'deadline', retryAfterMs: 3_000, status: 503 });
		const rejected = new RequestRejectedError('m', { answer: served, errorCode: 'busy' });
		expect(rejected).toMatchObject({ status: 503, body: { code: 'busy' }, errorCode: 'busy' });
		expect(rejected.headers).toBe(headers);
		expect(new KeyExpiredError('m', { expiredAt: 1_700_000_000_000 }).expiredAt).toBe(1_700_000_000_000);
		expect(new InvalidRequestError('m', { field: 'body' }).field).toBe('body');
		const issues = [{ message: 'Expected string' }];
		expect(new ResponseValidationError('m', { status: 201, body: { id: 5 }, issues })).toMatchObject({
			status: 201,
			body: { id: 5 },
			issues,
		});
	});

	it('errors without an answer leave its fields undefined', () => {
		const unknown = new OutcomeUnknownError('m', { attempts: 1, reason: 'network' });
		expect(unknown.status).toBeUndefined();
		expect(unknown.retryAfterMs).toBeUndefined();
		expect(new KeyMissingError('m', {}).body).toBeUndefined();
		expect(new InProgressError('m', { attempts: 2 }).retryAfterMs).toBeUndefined();
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
