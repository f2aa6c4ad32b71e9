import { describe, expect, it } from 'vitest';
import { classify } from '../../src/agent/outcome.js';
import {
	type IdempotencyError,
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
} from '../../src/index.js';

const ids = { operation: 'tool:book:call:c1', key: 'k1' };
const answer = { status: 422, headers: new Headers(), body: { error: { code: 'class_full' } } };

describe('classify: what the model is told, and what the record becomes', () => {
	it.each<[string, IdempotencyError, string, string, string | undefined]>([
		[
			'lost answer',
			new OutcomeUnknownError('m', { attempts: 2, reason: 'network' }),
			'unknown',
			'outcome_unknown',
			undefined,
		],
		['still in progress', new InProgressError('m', { attempts: 3 }), 'unknown', 'outcome_unknown', undefined],
		['key expired', new KeyExpiredError('m', { expiredAt: 1 }), 'unknown', 'outcome_unknown', undefined],
		[
			'set aside by hand (final)',
			new OperationAbandonedError('m', { abandonedAt: 1, reason: 'checked by ops' }),
			'failed',
			'outcome_unknown',
			undefined,
		],
		[
			'rejected 4xx',
			new RequestRejectedError('m', { answer, errorCode: 'class_full' }),
			'failed',
			'failed',
			'class_full',
		],
		['key reused', new KeyReuseError('m', { source: 'server' }), 'failed', 'failed', undefined],
		['key missing', new KeyMissingError('m', {}), 'failed', 'failed', undefined],
		[
			'invalid request (nothing sent)',
			new InvalidRequestError('m', { field: 'key' }),
			'not_sent',
			'failed',
			'key',
		],
		['journal down (nothing sent)', new JournalError('m'), 'not_sent', 'failed', undefined],
		[
			'service unreachable (nothing sent)',
			new NotSentError('m', { attempts: 3 }),
			'not_sent',
			'failed',
			undefined,
		],
	])('%s', (_, error, disposition, status, reason) => {
		const classified = classify(error, ids, true);
		expect(classified?.disposition).toBe(disposition);
		expect(classified?.outcome).toMatchObject({ status, code: error.code, ...ids });
		expect((classified?.outcome as { reason?: string } | undefined)?.reason).toBe(reason);
		expect(classified?.outcome.advice).toEqual(expect.any(String));
	});

	it('leaves errors that say nothing about the outcome to be thrown', () => {
		const error = new ResponseValidationError('m', { status: 201, body: {}, issues: [] });
		expect(classify(error, ids, true)).toBeUndefined();
	});

	it('tells the model to call again only when the same input is the same action', () => {
		const error = new OutcomeUnknownError('m', { attempts: 2, reason: 'timeout' });
		expect(classify(error, ids, true)?.outcome.advice).toContain('exactly the same input is safe');
		const byCall = classify(error, ids, false)?.outcome.advice;
		expect(byCall).toContain('Do not call this tool again');
		expect(byCall).toContain(ids.operation);
		expect(classify(new KeyExpiredError('m', { expiredAt: 1 }), ids, true)?.outcome.advice).toContain(
			'Do not retry',
		);
	});

	it("puts the service's own reason in the advice of a refusal, and no server message", () => {
		const error = new RequestRejectedError('Bearer sk_live_secret in a message', {
			answer,
			errorCode: 'class_full',
		});
		const outcome = classify(error, ids, false)?.outcome;
		expect(outcome?.advice).toContain('class_full');
		expect(JSON.stringify(outcome)).not.toContain('sk_live');
	});

	it("leaves out a service 'code' that is prose (it comes from the response body), keeping the refusal", () => {
		const error = new RequestRejectedError('m', {
			answer,
			errorCode: 'invalid token Bearer sk_live_secret for user alice@example.com',
		});
		const outcome = classify(error, ids, false)?.outcome;
		expect(outcome).toMatchObject({ status: 'failed', code: 'rejected' });
		expect(JSON.stringify(outcome)).not.toContain('sk_live');
	});
});
