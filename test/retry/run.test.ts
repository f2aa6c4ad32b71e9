import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { JournalError } from '../../src/errors/classes.js';
import type { Decision } from '../../src/retry/classify.js';
import type { RetryPolicy } from '../../src/retry/policy.js';
import { type AttemptResult, type RetryEvent, type RunConfig, runRetries } from '../../src/retry/run.js';

const START = Date.parse('2025-06-01T12:00:00Z');

const policy: RetryPolicy = {
	limit: 3,
	inProgressLimit: 4,
	baseDelay: 100,
	maxDelay: 1_000,
	inProgressDelay: 200,
	maxRetryTime: 10_000,
};

const ok: Decision = { type: 'succeed', replayed: false, alreadyApplied: false };
const rejected: Decision = { type: 'fail', failure: 'rejected', errorCode: 'invalid' };
const network: Decision = { type: 'retry', reason: 'network', retryAfterMs: undefined, mayHaveApplied: true };
const serverError: Decision = {
	type: 'retry',
	reason: 'server_error',
	retryAfterMs: undefined,
	mayHaveApplied: true,
};
const timeout: Decision = { type: 'retry', reason: 'timeout', retryAfterMs: undefined, mayHaveApplied: true };
const rateLimited = (retryAfterMs: number): Decision => ({
	type: 'retry',
	reason: 'rate_limited',
	retryAfterMs,
	mayHaveApplied: false,
});
const inProgress = (retryAfterMs?: number): Decision => ({ type: 'in_progress', retryAfterMs });

type Call = { attempt: number; timeoutMs: number; at: number };

/** An attempt function that answers with `decisions` in order (the last one repeats), each after `takesMs`. */
function scripted(decisions: Decision[], takesMs = 0) {
	const calls: Call[] = [];
	const attempt = async (info: { attempt: number; timeoutMs: number }): Promise<AttemptResult<number>> => {
		calls.push({ ...info, at: Date.now() - START });
		if (takesMs > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(takesMs, info.timeoutMs)));
		const decision = decisions[Math.min(calls.length, decisions.length) - 1] ?? ok;
		return { decision, value: calls.length };
	};
	return { attempt, calls };
}

function configWith(overrides: Partial<RunConfig> = {}) {
	const events: RetryEvent[] = [];
	const config: RunConfig = {
		policy,
		now: () => Date.now(),
		random: () => 0.5,
		onRetry: (event) => events.push(event),
		...overrides,
	};
	return { config, events };
}

/** Runs every fake timer until the promise settles; never leaves a rejection unhandled. */
async function drive<T>(promise: Promise<T>) {
	const settled = promise.then(
		(value) => ({ value, error: undefined }),
		(error: unknown) => ({ value: undefined, error }),
	);
	await vi.runAllTimersAsync();
	return settled;
}

const elapsed = () => Date.now() - START;

describe('runRetries', () => {
	beforeEach(() => {
		vi.useFakeTimers({ now: START });
	});
	afterEach(() => {
		vi.useRealTimers();
	});

	it('retries until a final decision and reports every retry to onRetry', async () => {
		const { attempt, calls } = scripted([network, serverError, ok]);
		const { config, events } = configWith();
		const { value } = await drive(runRetries(attempt, config));
		expect(value).toEqual({ type: 'done', last: { decision: ok, value: 3 }, attempts: 3 });
		// random 0.5: half of 100, then half of 200.
		expect(events).toEqual([
			{ attempt: 1, delayMs: 50, decision: network },
			{ attempt: 2, delayMs: 100, decision: serverError },
		]);
		expect(calls.map((c) => c.at)).toEqual([0, 50, 150]);
		expect(elapsed()).toBe(150);
	});

	it('stops at the first fail decision without retrying', async () => {
		const { attempt, calls } = scripted([rejected, ok]);
		const { config, events } = configWith();
		const { value } = await drive(runRetries(attempt, config));
		expect(value).toEqual({ type: 'done', last: { decision: rejected, value: 1 }, attempts: 1 });
		expect(calls).toHaveLength(1);
		expect(events).toEqual([]);
	});

	it('draws each backoff from config.random', async () => {
		const random = vi.fn(() => 0);
		const { attempt } = scripted([network, network, ok]);
		const { config } = configWith({ random });
		await drive(runRetries(attempt, config));
		expect(random).toHaveBeenCalledTimes(2);
		expect(elapsed()).toBe(0);
	});

	it('gives up with why budget after limit retries, keeping the last attempt', async () => {
		const { attempt, calls } = scripted([network]);
		const { config, events } = configWith();
		const { value } = await drive(runRetries(attempt, config));
		expect(value).toEqual({
			type: 'exhausted',
			last: { decision: network, value: 4 },
			attempts: 4,
			why: 'budget',
		});
		expect(calls).toHaveLength(policy.limit + 1);
		expect(events).toHaveLength(policy.limit);
	});

	it('makes exactly one attempt when both budgets are 0', async () => {
		const { attempt, calls } = scripted([inProgress()]);
		const { config } = configWith({ policy: { ...policy, limit: 0, inProgressLimit: 0 } });
		const { value } = await drive(runRetries(attempt, config));
		expect(value).toMatchObject({ type: 'exhausted', why: 'budget', attempts: 1 });
		expect(calls).toHaveLength(1);
	});

	it('counts in-progress retries apart from the retry budget', async () => {
		// 3 normal retries (all of limit) and 4 in-progress retries (all of inProgressLimit), interleaved.
		const decisions = [inProgress(), network, inProgress(), network, inProgress(), network, inProgress(), ok];
		const { attempt } = scripted(decisions);
		const { config, events } = configWith();
		const { value } = await drive(runRetries(attempt, config));
		expect(value).toEqual({ type: 'done', last: { decision: ok, value: 8 }, attempts: 8 });
		expect(events.map((e) => e.decision.type)).toEqual(decisions.slice(0, -1).map((d) => d.type));
	});

	it('ends on the in-progress budget while the retry budget is untouched', async () => {
		const { attempt } = scripted([inProgress()]);
		const { config, events } = configWith();
		const { value } = await drive(runRetries(attempt, config));
		expect(value).toMatchObject({ type: 'exhausted', why: 'budget', attempts: policy.inProgressLimit + 1 });
		expect(events).toHaveLength(policy.inProgressLimit);
		// Equal jitter with draw 0.5 is 3/4 of the ceiling: 200, 400, 800, then the 1000 cap.
		expect(events.map((e) => e.delayMs)).toEqual([150, 300, 600, 750]);
	});

	it('ends on the retry budget even with in-progress budget left', async () => {
		const { attempt } = scripted([inProgress(), network]);
		const { config } = configWith();
		const { value } = await drive(runRetries(attempt, config));
		expect(value).toMatchObject({ type: 'exhausted', why: 'budget', attempts: 1 + policy.limit + 1 });
	});

	it('treats maxRetryTime as one deadline over attempts and waits', async () => {
		const { attempt, calls } = scripted([timeout], 1_000);
		const { config } = configWith({ policy: { ...policy, limit: 100, maxRetryTime: 3_500 } });
		const { value } = await drive(runRetries(attempt, config));
		expect(value).toMatchObject({ type: 'exhausted', why: 'deadline', attempts: 4 });
		// Each attempt gets only the time left: 3500, then after 1000 + 50 wait, 2450, ...
		expect(calls.map((c) => c.timeoutMs)).toEqual([3_500, 2_450, 1_350, 150]);
		expect(elapsed()).toBe(3_500);
	});

	it('makes no further attempt once the clock has passed the deadline during a wait', async () => {
		// A wait that overruns (a suspended laptop, a clock step) must not buy an attempt with no time left.
		let skew = 0;
		const { attempt, calls } = scripted([network, ok]);
		const { config, events } = configWith({
			now: () => Date.now() + skew,
			onRetry: (event) => {
				events.push(event);
				skew = policy.maxRetryTime;
			},
		});
		const { value } = await drive(runRetries(attempt, config));
		expect(value).toEqual({
			type: 'exhausted',
			last: { decision: network, value: 1 },
			attempts: 1,
			why: 'deadline',
		});
		expect(calls).toHaveLength(1);
		expect(events).toHaveLength(1);
	});

	it('does not start a wait that would end past the deadline', async () => {
		const { attempt, calls } = scripted([network], 900);
		const { config, events } = configWith({
			policy: { ...policy, limit: 100, baseDelay: 1_000, maxDelay: 1_000, maxRetryTime: 1_000 },
		});
		const { value } = await drive(runRetries(attempt, config));
		expect(value).toMatchObject({ type: 'exhausted', why: 'deadline', attempts: 1 });
		expect(calls).toHaveLength(1);
		expect(events).toEqual([]);
		expect(elapsed()).toBe(900);
	});

	it('ends at once, without sleeping, when Retry-After is longer than the time left', async () => {
		const { attempt, calls } = scripted([inProgress(60_000)]);
		const { config, events } = configWith();
		const { value } = await drive(runRetries(attempt, config));
		expect(value).toEqual({
			type: 'exhausted',
			last: { decision: inProgress(60_000), value: 1 },
			attempts: 1,
			why: 'retry_after',
		});
		expect(calls).toHaveLength(1);
		expect(events).toEqual([]);
		expect(elapsed()).toBe(0);
	});

	it('ends at once on a later Retry-After that outlasts the remaining time', async () => {
		const { attempt } = scripted([network, rateLimited(9_990)]);
		const { config } = configWith();
		const { value } = await drive(runRetries(attempt, config));
		expect(value).toMatchObject({ type: 'exhausted', why: 'retry_after', attempts: 2 });
		expect(elapsed()).toBe(50);
	});

	it('waits exactly the Retry-After when it fits', async () => {
		const { attempt, calls } = scripted([rateLimited(2_500), inProgress(1_000), ok]);
		const { config, events } = configWith();
		const { value } = await drive(runRetries(attempt, config));
		expect(value).toMatchObject({ type: 'done', attempts: 3 });
		expect(events.map((e) => e.delayMs)).toEqual([2_500, 1_000]);
		expect(calls.map((c) => c.at)).toEqual([0, 2_500, 3_500]);
	});

	it('ends at once when the signal aborts during a long backoff wait', async () => {
		const controller = new AbortController();
		const reason = new Error('user cancelled');
		setTimeout(() => controller.abort(reason), 100);
		const { attempt, calls } = scripted([network, ok]);
		const { config, events } = configWith({
			policy: { ...policy, baseDelay: 10_000, maxDelay: 10_000, maxRetryTime: 60_000 },
			random: () => 0.99,
			signal: controller.signal,
		});
		const { value } = await drive(runRetries(attempt, config));
		expect(value).toEqual({ type: 'aborted', last: { decision: network, value: 1 }, attempts: 1, reason });
		expect(events.map((e) => e.delayMs)).toEqual([9_900]);
		expect(calls).toHaveLength(1);
		expect(elapsed()).toBe(100);
		expect(vi.getTimerCount()).toBe(0);
	});

	it('ends when the signal aborts during an attempt', async () => {
		const controller = new AbortController();
		const attempt = vi.fn(
			(_info: { attempt: number; timeoutMs: number }) =>
				new Promise<AttemptResult<number>>((_resolve, reject) => {
					controller.signal.addEventListener('abort', () => reject(controller.signal.reason));
				}),
		);
		setTimeout(() => controller.abort('stop'), 250);
		const { config } = configWith({ signal: controller.signal });
		const { value } = await drive(runRetries(attempt, config));
		expect(value).toEqual({ type: 'aborted', last: undefined, attempts: 1, reason: 'stop' });
		expect(elapsed()).toBe(250);
	});

	it('makes no attempt when the signal is already aborted', async () => {
		const controller = new AbortController();
		controller.abort('gone');
		const { attempt, calls } = scripted([ok]);
		const { config } = configWith({ signal: controller.signal });
		const { value } = await drive(runRetries(attempt, config));
		expect(value).toEqual({ type: 'aborted', last: undefined, attempts: 0, reason: 'gone' });
		expect(calls).toHaveLength(0);
	});

	it.each([
		{ what: 'an idemkey error', thrown: new JournalError('disk full') },
		{ what: 'a TypeError', thrown: new TypeError('bug') },
		{ what: 'a network-looking TypeError', thrown: new TypeError('Failed to fetch') },
		{ what: 'a plain Error', thrown: new Error('boom') },
		{ what: 'a non-Error value', thrown: 'boom' },
		{ what: 'an object', thrown: { code: 'E' } },
	])('propagates $what thrown by the attempt unchanged and stops retrying', async ({ thrown }) => {
		let calls = 0;
		const attempt = async (): Promise<AttemptResult<number>> => {
			calls++;
			if (calls === 2) throw thrown;
			return { decision: network, value: calls };
		};
		const { config, events } = configWith();
		const { error } = await drive(runRetries(attempt, config));
		expect(error).toBe(thrown);
		expect(calls).toBe(2);
		expect(events).toHaveLength(1);
	});
});
