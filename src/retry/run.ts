import pRetry, { AbortError } from 'p-retry';
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

class Retryable<T> extends Error {
	constructor(readonly result: AttemptResult<T>) {
		super('retryable attempt');
	}
}

class Stop extends Error {
	constructor(readonly why: Extract<Plan, { type: 'stop' }>['why']) {
		super(`retry stopped: ${why}`);
	}
}

/** Carries what the attempt threw past p-retry, which would replace a non-Error value with a TypeError. */
class Thrown extends Error {
	constructor(readonly value: unknown) {
		super('attempt threw');
	}
}

/**
The one retry loop (p-retry). `attempt` performs one request with the given time budget and reports its decision; it throws only for failures that must not be retried (journal errors, bugs), which propagate unchanged.
*/
export async function runRetries<T>(
	attempt: (info: { attempt: number; timeoutMs: number }) => Promise<AttemptResult<T>>,
	config: RunConfig,
): Promise<RunOutcome<T>> {
	const { policy, signal, now } = config;
	const deadline = config.deadline ?? now() + policy.maxRetryTime;
	let attempts = 0;
	let retries = 0;
	let inProgressRetries = 0;
	let last: AttemptResult<T> | undefined;

	const run = async () => {
		const remaining = deadline - now();
		if (remaining <= 0) throw new AbortError(new Stop('deadline'));
		attempts++;
		let result: AttemptResult<T>;
		try {
			result = await attempt({ attempt: attempts, timeoutMs: remaining });
		} catch (error) {
			throw new AbortError(new Thrown(error));
		}
		last = result;
		const { type } = result.decision;
		if (type === 'retry' || type === 'in_progress') throw new Retryable(result);
		return result;
	};

	try {
		const result = await pRetry(run, {
			// Budgets and the deadline are enforced by planNext; this is only a backstop against a runaway loop.
			retries: policy.limit + policy.inProgressLimit + 1,
			minTimeout: 0,
			maxTimeout: 0,
			signal,
			shouldRetry: ({ error }) => error instanceof Retryable,
			onFailedAttempt: async ({ error }) => {
				if (!(error instanceof Retryable)) return;
				const decision = error.result.decision as RetryEvent['decision'];
				const plan = planNext(
					decision,
					{ retries, inProgressRetries },
					policy,
					deadline - now(),
					config.random(),
				);
				if (plan.type === 'stop') throw new Stop(plan.why);
				if (plan.inProgress) inProgressRetries++;
				else retries++;
				config.onRetry?.({ attempt: attempts, delayMs: plan.delayMs, decision });
				await sleep(plan.delayMs, signal);
			},
		});
		return { type: 'done', last: result, attempts };
	} catch (error) {
		if (signal?.aborted) return { type: 'aborted', last, attempts, reason: signal.reason };
		if (error instanceof Stop) return { type: 'exhausted', last, attempts, why: error.why };
		if (error instanceof Retryable) return { type: 'exhausted', last, attempts, why: 'budget' };
		if (error instanceof Thrown) throw error.value;
		throw error;
	}
}
