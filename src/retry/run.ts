import type { Decision } from './classify.js';
import { type Plan, planNext, type RetryPolicy } from './policy.js';
import { sleep } from './sleep.js';

export type AttemptResult<T> = { readonly decision: Decision; readonly value: T };

export type RetryEvent = {
	readonly attempt: number;
	readonly delayMs: number;
	readonly decision: Extract<Decision, { type: 'retry' | 'in_progress' }>;
};

export type RunConfig = {
	readonly policy: RetryPolicy;
	/** When the call's one deadline passes, in epoch ms on `now`'s clock, when it began before the loop (journal writes first). Default: `policy.maxRetryTime` from now. */
	readonly deadline?: number | undefined;
	readonly signal?: AbortSignal | undefined;
	readonly now: () => number;
	readonly random: () => number;
	readonly onRetry?: ((event: RetryEvent) => void) | undefined;
};

export type RunOutcome<T> =
	/** The last attempt reached a final decision (succeed or fail). */
	| { readonly type: 'done'; readonly last: AttemptResult<T>; readonly attempts: number }
	/** Retries ran out; `last` is the last retryable attempt. */
	| {
			readonly type: 'exhausted';
			readonly last: AttemptResult<T> | undefined;
			readonly attempts: number;
			readonly why: Extract<Plan, { type: 'stop' }>['why'];
	  }
	| {
			readonly type: 'aborted';
			readonly last: AttemptResult<T> | undefined;
			readonly attempts: number;
			readonly reason: unknown;
	  };

/**
The one retry loop (a plain loop, not a retry library: see operation/send.ts). `attempt` performs one request with the
given time budget and reports its decision; it throws only for failures that must not be retried (journal errors,
bugs), which propagate unchanged unless the signal has aborted. Budgets, backoff, Retry-After and the deadline are
`planNext`'s; the backoff wait ends the moment the signal aborts.
*/
export async function runRetries<T>(
	attempt: (info: { attempt: number; timeoutMs: number }) => Promise<AttemptResult<T>>,
	config: RunConfig,
): Promise<RunOutcome<T>> {
	const { policy, signal, now } = config;
	const deadline = config.deadline ?? now() + policy.maxRetryTime;
	const counters = { retries: 0, inProgressRetries: 0 };
	let attempts = 0;
	let last: AttemptResult<T> | undefined;
	const aborted = (): RunOutcome<T> => ({ type: 'aborted', last, attempts, reason: signal?.reason });

	for (;;) {
		if (signal?.aborted) return aborted();
		const remaining = deadline - now();
		if (remaining <= 0) return { type: 'exhausted', last, attempts, why: 'deadline' };
		attempts++;
		try {
			last = await attempt({ attempt: attempts, timeoutMs: remaining });
		} catch (error) {
			if (signal?.aborted) return aborted();
			throw error;
		}
		const decision = last.decision;
		// A final answer stands even if the signal aborted as it was read: the caller gets what happened.
		if (decision.type !== 'retry' && decision.type !== 'in_progress') return { type: 'done', last, attempts };
		if (signal?.aborted) return aborted();
		const plan = planNext(decision, counters, policy, deadline - now(), config.random());
		if (plan.type === 'stop') return { type: 'exhausted', last, attempts, why: plan.why };
		if (plan.inProgress) counters.inProgressRetries++;
		else counters.retries++;
		config.onRetry?.({ attempt: attempts, delayMs: plan.delayMs, decision });
		try {
			await sleep(plan.delayMs, signal);
		} catch {
			// sleep rejects only when the signal aborts.
			return aborted();
		}
	}
}
