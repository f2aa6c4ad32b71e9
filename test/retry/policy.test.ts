import { describe, expect, it } from 'vitest';
import type { Decision } from '../../src/retry/classify.js';
import { DEFAULT_RETRY, type Plan, planNext, type RetryPolicy } from '../../src/retry/policy.js';

type Retryable = Extract<Decision, { type: 'retry' | 'in_progress' }>;

const policy: RetryPolicy = {
	limit: 3,
	inProgressLimit: 5,
	baseDelay: 100,
	maxDelay: 2_000,
	inProgressDelay: 400,
	maxRetryTime: 30_000,
};

const network = (retryAfterMs?: number): Retryable => ({
	type: 'retry',
	reason: 'network',
	retryAfterMs,
	mayHaveApplied: true,
});
const rateLimited = (retryAfterMs?: number): Retryable => ({
	type: 'retry',
	reason: 'rate_limited',
	retryAfterMs,
	mayHaveApplied: false,
});
const inProgress = (retryAfterMs?: number): Retryable => ({ type: 'in_progress', retryAfterMs });

type Row = {
	what: string;
	decision: Retryable;
	retries?: number;
	inProgressRetries?: number;
	remainingMs?: number;
	random?: number;
	plan: Plan;
};

describe('planNext', () => {
	it.each<Row>([
		// Budgets: each kind spends its own.
		{ what: 'first network retry backs off', decision: network(), plan: wait(50, false) },
		{ what: 'last normal retry in budget', decision: network(), retries: 2, plan: wait(200, false) },
		{ what: 'normal budget spent', decision: network(), retries: 3, plan: stop('budget') },
		{ what: 'normal budget overspent', decision: network(), retries: 9, plan: stop('budget') },
		{
			what: 'normal retry unaffected by a spent in-progress budget',
			decision: network(),
			inProgressRetries: 5,
			plan: wait(50, false),
		},
		{ what: 'first in-progress retry', decision: inProgress(), plan: wait(300, true) },
		{
			what: 'last in-progress retry in budget',
			decision: inProgress(),
			inProgressRetries: 4,
			plan: wait(1_500, true),
		},
		{ what: 'in-progress budget spent', decision: inProgress(), inProgressRetries: 5, plan: stop('budget') },
		{
			what: 'in-progress retry unaffected by a spent normal budget',
			decision: inProgress(),
			retries: 3,
			plan: wait(300, true),
		},
		{
			what: 'rate limit spends the normal budget',
			decision: rateLimited(),
			retries: 3,
			plan: stop('budget'),
		},
		{ what: 'budget checked before Retry-After', decision: network(10), retries: 3, plan: stop('budget') },
		// Retry-After.
		{ what: 'Retry-After used exactly', decision: rateLimited(1_234), plan: wait(1_234, false) },
		{ what: 'Retry-After 0 retries at once', decision: rateLimited(0), plan: wait(0, false) },
		{
			what: 'Retry-After above maxDelay still honoured',
			decision: rateLimited(25_000),
			plan: wait(25_000, false),
		},
		{ what: 'Retry-After on in-progress used exactly', decision: inProgress(1_000), plan: wait(1_000, true) },
		{
			what: 'Retry-After overrides a larger backoff',
			decision: network(5),
			retries: 2,
			random: 0.99,
			plan: wait(5, false),
		},
		{
			what: 'Retry-After equal to the time left',
			decision: rateLimited(5_000),
			remainingMs: 5_000,
			plan: stop('retry_after'),
		},
		{
			what: 'Retry-After beyond the time left',
			decision: inProgress(60_000),
			remainingMs: 5_000,
			plan: stop('retry_after'),
		},
		{
			what: 'Retry-After just under the time left',
			decision: rateLimited(4_999),
			remainingMs: 5_000,
			plan: wait(4_999, false),
		},
		// Deadline.
		{ what: 'backoff equal to the time left', decision: network(), remainingMs: 50, plan: stop('deadline') },
		{
			what: 'backoff beyond the time left',
			decision: inProgress(),
			remainingMs: 299,
			plan: stop('deadline'),
		},
		{ what: 'no time left at all', decision: network(), remainingMs: 0, random: 0, plan: stop('deadline') },
		{ what: 'negative time left', decision: network(), remainingMs: -10, random: 0, plan: stop('deadline') },
		{ what: 'backoff just under the time left', decision: network(), remainingMs: 51, plan: wait(50, false) },
	])(
		'$what',
		({ decision, retries = 0, inProgressRetries = 0, remainingMs = 30_000, random = 0.5, plan }) => {
			expect(planNext(decision, { retries, inProgressRetries }, policy, remainingMs, random)).toEqual(plan);
		},
	);

	it('doubles the full-jitter ceiling per normal retry, capped at maxDelay', () => {
		const delays = [0, 1, 2, 3, 4, 5, 6].map((retries) => {
			const plan = planNext(network(), { retries, inProgressRetries: 0 }, { ...policy, limit: 10 }, 1e9, 0.5);
			return plan.type === 'wait' ? plan.delayMs : -1;
		});
		expect(delays).toEqual([50, 100, 200, 400, 800, 1_000, 1_000]);
	});

	it('waits at least half the in-progress ceiling, growing from inProgressDelay', () => {
		const delays = [0, 1, 2, 3].map((inProgressRetries) => {
			const plan = planNext(inProgress(), { retries: 0, inProgressRetries }, policy, 1e9, 0);
			return plan.type === 'wait' ? plan.delayMs : -1;
		});
		expect(delays).toEqual([200, 400, 800, 1_000]);
	});

	it('stops at once when a budget is 0', () => {
		const none = { ...DEFAULT_RETRY, limit: 0, inProgressLimit: 0 };
		const counters = { retries: 0, inProgressRetries: 0 };
		expect(planNext(network(), counters, none, 1e9, 0.5)).toEqual(stop('budget'));
		expect(planNext(inProgress(), counters, none, 1e9, 0.5)).toEqual(stop('budget'));
	});
});

function wait(delayMs: number, inProgress: boolean): Plan {
	return { type: 'wait', delayMs, inProgress };
}

function stop(why: 'budget' | 'deadline' | 'retry_after'): Plan {
	return { type: 'stop', why };
}
