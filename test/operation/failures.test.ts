import { describe, expect, it } from 'vitest';
import { KeyReuseError, NotSentError, OutcomeUnknownError } from '../../src/errors/classes.js';
import type { Subject } from '../../src/operation/context.js';
import { exhaustedError, failureError } from '../../src/operation/failures.js';
import type { Sent } from '../../src/operation/send.js';
import type { Decision } from '../../src/retry/classify.js';
import type { RunOutcome } from '../../src/retry/run.js';

const subject: Subject = {
	key: 'k-1',
	operation: 'op-1',
	method: 'POST',
	url: 'http://127.0.0.1:9/bookings',
};
const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });

const retry = (
	reason: Extract<Decision, { type: 'retry' }>['reason'],
	mayHaveApplied: boolean,
): Decision => ({
	type: 'retry',
	reason,
	retryAfterMs: undefined,
	mayHaveApplied,
});
const sentError = (error: 'network' | 'timeout' | 'not_sent'): Sent => ({
	kind: 'error',
	error,
	cause: error === 'not_sent' ? new TypeError('fetch failed', { cause: refused }) : new Error('reset'),
});
const exhausted = (
	last: { decision: Decision; value: Sent } | undefined,
	why: 'budget' | 'deadline' = 'budget',
): Extract<RunOutcome<Sent>, { type: 'exhausted' }> => ({ type: 'exhausted', last, attempts: 3, why });

describe('exhaustedError', () => {
	it.each([
		{
			what: 'every try refused, nothing earlier may have landed: not sent',
			outcome: exhausted({ decision: retry('not_sent', false), value: sentError('not_sent') }),
			mayHaveApplied: false,
			expected: NotSentError,
			reason: undefined,
		},
		{
			what: 'the deadline before the first try: not sent',
			outcome: exhausted(undefined, 'deadline'),
			mayHaveApplied: false,
			expected: NotSentError,
			reason: undefined,
		},
		{
			what: 'refused last, but an earlier attempt may have landed: unknown',
			outcome: exhausted({ decision: retry('not_sent', false), value: sentError('not_sent') }),
			mayHaveApplied: true,
			expected: OutcomeUnknownError,
			reason: 'network',
		},
		{
			what: 'a reset last: unknown',
			outcome: exhausted({ decision: retry('network', true), value: sentError('network') }),
			mayHaveApplied: true,
			expected: OutcomeUnknownError,
			reason: 'network',
		},
	])('$what', ({ outcome, mayHaveApplied, expected, reason }) => {
		const error = exhaustedError(outcome, subject, 3, mayHaveApplied);
		expect(error).toBeInstanceOf(expected);
		if (reason) expect((error as OutcomeUnknownError).reason).toBe(reason);
		if (error instanceof NotSentError) {
			expect(error.attempts).toBe(3);
			expect(error.message).not.toMatch(/may (or may not )?have been applied/);
			expect(error.message).toMatch(/Nothing was applied/);
		}
	});

	it('names the connection error in a NotSentError', () => {
		const error = exhaustedError(
			exhausted({ decision: retry('not_sent', false), value: sentError('not_sent') }),
			subject,
			3,
			false,
		);
		expect(error.message).toContain('connect ECONNREFUSED 127.0.0.1:9');
	});

	it.each([
		{ attempts: 1, notSent: 'in 1 try.', unknown: 'after 1 attempt (' },
		{ attempts: 2, notSent: 'in 2 tries.', unknown: 'after 2 attempts (' },
	])('counts $attempts attempt(s) in plain English', ({ attempts, notSent, unknown }) => {
		const refusedEvery = exhaustedError(
			exhausted({ decision: retry('not_sent', false), value: sentError('not_sent') }),
			subject,
			attempts,
			false,
		);
		const lost = exhaustedError(
			exhausted({ decision: retry('network', true), value: sentError('network') }),
			subject,
			attempts,
			true,
		);
		expect(refusedEvery.message).toContain(notSent);
		expect(lost.message).toContain(unknown);
	});
});

describe('failureError', () => {
	const answer = {
		kind: 'response' as const,
		status: 409,
		headers: new Headers(),
		body: { code: 'idempotency_key_reused' },
	};
	it('reports "key reused" after an unknown attempt as may-have-been-applied, with the answer and no new-id advice', () => {
		const error = failureError(
			{ type: 'fail', failure: 'key_reused_after_unknown', errorCode: 'idempotency_key_reused' },
			answer,
			subject,
			2,
		);
		expect(error).toBeInstanceOf(OutcomeUnknownError);
		expect(error).toMatchObject({ reason: 'key_reused_after_unknown', status: 409, attempts: 2, key: 'k-1' });
		expect(error.message).toMatch(/may have been applied/);
		expect(error.message).not.toMatch(/use a new operation/i);
	});

	it('keeps a plain "key reused" a KeyReuseError from the server', () => {
		const error = failureError(
			{ type: 'fail', failure: 'key_reused', errorCode: 'idempotency_key_reused' },
			answer,
			subject,
			1,
		);
		expect(error).toBeInstanceOf(KeyReuseError);
		expect(error).toMatchObject({ source: 'server', status: 409 });
	});
});
