import { backoffDelay, equalJitterDelay } from './backoff.js';
import type { Decision } from './classify.js';

/** Retry settings. Every field is optional on the public options; these are the resolved values. */
export type RetryPolicy = {
	/**
	Retries after the first attempt for network errors, timeouts, 5xx and 429.
	@default 5
	*/
	limit: number;
	/**
	Retries while the server answers "in progress" (409 and friends), counted apart from `limit`.
	@default 10
	*/
	inProgressLimit: number;
	/**
	Ceiling of the first backoff, in ms; doubles each retry (full jitter).
	@default 300
	*/
	baseDelay: number;
	/**
	Largest backoff ceiling, in ms.
	@default 10_000
	*/
	maxDelay: number;
	/**
	First wait while the server says "in progress" and gives no `Retry-After`, in ms (equal jitter, doubling).
	@default 500
	*/
	inProgressDelay: number;
	/**
	One deadline, in ms, covering every attempt and every wait of a call. A `Retry-After` longer than the time left ends the call at once instead of sleeping.
	@default 30_000
	*/
	maxRetryTime: number;
};

export const DEFAULT_RETRY: Readonly<RetryPolicy> = Object.freeze({
	limit: 5,
	inProgressLimit: 10,
	baseDelay: 300,
	maxDelay: 10_000,
	inProgressDelay: 500,
	maxRetryTime: 30_000,
});

export type RetryCounters = {
	/** Retries spent from `limit`. */
	readonly retries: number;
	/** Retries spent from `inProgressLimit`. */
	readonly inProgressRetries: number;
};

export type Plan =
	| { readonly type: 'wait'; readonly delayMs: number; readonly inProgress: boolean }
	| { readonly type: 'stop'; readonly why: 'budget' | 'deadline' | 'retry_after' };

/**
What to do after a retryable decision: wait how long, or stop and why. Pure: time left and the random draw come in as arguments.
*/
export function planNext(
	decision: Extract<Decision, { type: 'retry' | 'in_progress' }>,
	counters: RetryCounters,
	policy: RetryPolicy,
	remainingMs: number,
	random: number,
): Plan {
	const inProgress = decision.type === 'in_progress';
	const spent = inProgress ? counters.inProgressRetries : counters.retries;
	if (spent >= (inProgress ? policy.inProgressLimit : policy.limit)) return { type: 'stop', why: 'budget' };
	if (decision.retryAfterMs !== undefined && decision.retryAfterMs >= remainingMs) {
		return { type: 'stop', why: 'retry_after' };
	}
	const delayMs =
		decision.retryAfterMs ??
		(inProgress
			? equalJitterDelay(spent, { baseDelay: policy.inProgressDelay, maxDelay: policy.maxDelay }, random)
			: backoffDelay(spent, policy, random));
	if (delayMs >= remainingMs) return { type: 'stop', why: 'deadline' };
	return { type: 'wait', delayMs, inProgress };
}
