import { classify, type Decision } from '../retry/classify.js';
import type { RetryPolicy } from '../retry/policy.js';
import { type RunOutcome, runRetries } from '../retry/run.js';
import type { ClientContext, Subject } from './context.js';
import type { PreparedRequest } from './prepare.js';
import { type Sent, sendOnce } from './send.js';

export type AttemptHooks = {
	/** Runs before each send; a throw stops the loop with nothing sent (the journal claim lives here). */
	beforeSend?: () => Promise<void>;
	/** Runs after a retryable answer; `mayHaveApplied` is whether any attempt so far may have landed. */
	afterRetryable?: (mayHaveApplied: boolean) => Promise<void>;
	/** Runs instead when the claimed attempt never left (refused, aborted before sending): the claim is taken back. */
	release?: (mayHaveApplied: boolean) => Promise<void>;
	/** Whether another caller has started an attempt of this operation since this call began (asked rarely). */
	othersAttempted?: () => Promise<boolean>;
};

/** Kept up to date while the call runs, so that a failure of any kind can report it. */
export type Progress = {
	/** Attempts this call has started. */
	attempts: number;
	/** Some attempt of this operation (this call's or an earlier run's) may have been applied without us knowing. */
	mayHaveApplied: boolean;
};

/**
Sends `request` until a final answer, the budget or the deadline, using the same key and bytes each time.
`progress.mayHaveApplied` starts as what earlier runs left (an attempt of unknown outcome) and ends as what the
conclusion needs.
*/
export async function attemptLoop(
	ctx: ClientContext,
	request: PreparedRequest,
	subject: Subject,
	options: {
		/** Epoch ms on `ctx.now`'s clock; defaults to `policy.maxRetryTime` from now. */
		deadline?: number;
		policy: RetryPolicy;
		timeout: number;
		signal: AbortSignal | undefined;
		progress: Progress;
		hooks?: AttemptHooks;
	},
): Promise<RunOutcome<Sent>> {
	const { progress } = options;
	let lastStatus: number | undefined;
	const { signal } = options;
	const outcome = await runRetries<Sent>(
		async ({ attempt, timeoutMs }) => {
			await options.hooks?.beforeSend?.();
			// Aborted while the claim was being written: nothing left, so the claim must not read as an attempt.
			if (signal?.aborted) {
				await options.hooks?.release?.(progress.mayHaveApplied);
				signal.throwIfAborted();
			}
			progress.attempts = attempt;
			ctx.emit({ type: 'attempt', ...subject, attempt });
			const sent = await sendOnce(ctx, request, {
				key: subject.key,
				operation: subject.operation,
				attempt,
				timeoutMs: options.timeout,
				remainingMs: timeoutMs,
				signal,
				mayHaveApplied: progress.mayHaveApplied,
			}).catch(async (error: unknown) => {
				// Nothing of this attempt left (its beforeAttempt hook failed, or the call was aborted during it).
				await options.hooks?.release?.(progress.mayHaveApplied);
				throw error;
			});
			lastStatus = sent.kind === 'response' ? sent.status : undefined;
			let decision: Decision = classify(ctx.dialect, sent, {
				earlierAttemptUnknown: progress.mayHaveApplied,
				now: ctx.now(),
				write: request.journaled,
			});
			// "Already done" on what looked like a first attempt: a key-less operation run by two callers at once
			// gets it for whichever request lands second, and the other caller's attempt is what made it true.
			if (decision.type === 'fail' && decision.alreadyApplied) {
				// The effect exists: until the journal says whose attempt made it (a read an abort can cut short), this
				// call cannot say "not applied".
				progress.mayHaveApplied = true;
				if (await options.hooks?.othersAttempted?.()) {
					decision = { type: 'succeed', replayed: true, alreadyApplied: true };
				}
			}
			if (decision.type === 'in_progress' || (decision.type === 'retry' && decision.mayHaveApplied)) {
				progress.mayHaveApplied = true;
			}
			if (decision.type === 'retry' && decision.reason === 'not_sent') {
				await options.hooks?.release?.(progress.mayHaveApplied);
			} else if (decision.type === 'retry' || decision.type === 'in_progress') {
				await options.hooks?.afterRetryable?.(progress.mayHaveApplied);
			}
			return { decision, value: sent };
		},
		{
			deadline: options.deadline,
			policy: options.policy,
			signal,
			now: ctx.now,
			random: ctx.random,
			onRetry: ({ attempt, delayMs, decision }) => {
				ctx.emit({
					type: 'retry',
					...subject,
					attempt,
					delayMs,
					reason: decision.type === 'in_progress' ? 'in_progress' : decision.reason,
					status: lastStatus,
				});
			},
		},
	);
	// An abort while a request is on the wire comes back from sendOnce as a network error, which already set mayHaveApplied.
	// A try stopped by an abort before it was sent is no attempt: count the ones that got as far as the wire. (A final
	// answer read as the signal aborted stands: runRetries returns it as `done`.)
	const { attempts } = progress;
	return outcome.attempts === attempts ? outcome : { ...outcome, attempts };
}
