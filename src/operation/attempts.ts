import { withAttempt } from '../journal/history.js';
import type { AttemptEntry, JournalRecord } from '../journal/record.js';
import { classify, type Decision } from '../retry/classify.js';
import type { RetryPolicy } from '../retry/policy.js';
import { type RunOutcome, runRetries } from '../retry/run.js';
import type { OperationTrace, WaitReason } from '../tracing/trace.js';
import type { ClientContext, Subject } from './context.js';
import { whenOnline } from './online.js';
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
	/** The call's spans, when tracing is on (see tracing/trace.ts). */
	trace?: OperationTrace | undefined;
	/** Ms waited since the last attempt (backoff, Retry-After, in progress, a lease): the next attempt's `waitedMs`. */
	waitedMs?: number | undefined;
	/** The attempt that just concluded, until the next journal write of the record takes it into its history. */
	concluded?: AttemptEntry | undefined;
};

/** A wait before the next attempt: counted for the attempt's history entry, and an event on the operation's span. */
export function waited(progress: Progress, reason: WaitReason, ms: number, cause?: string): void {
	progress.waitedMs = (progress.waitedMs ?? 0) + ms;
	progress.trace?.wait(reason, ms, cause);
}

/**
A journal write (`transition`) that also takes the attempt that just concluded into the record's history: taken once,
so that whichever write follows an attempt (recording it, taking back its claim, or the outcome) records it, and no
other write records it again.
*/
export function recording(
	progress: Progress,
	transition: (from: JournalRecord) => JournalRecord,
): (from: JournalRecord) => JournalRecord {
	const entry = progress.concluded;
	if (!entry) return transition;
	progress.concluded = undefined;
	return (from) => withAttempt(transition(from), entry);
}

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
	const waitedOffline = (ms: number) => waited(progress, 'offline', ms);
	const outcome = await runRetries<Sent>(
		async ({ attempt, timeoutMs: budget }) => {
			const online = whenOnline(ctx, subject, progress.attempts, budget, signal, waitedOffline);
			const timeoutMs = typeof online === 'number' ? online : await online;
			if (typeof timeoutMs !== 'number') return timeoutMs;
			const at = ctx.now();
			await options.hooks?.beforeSend?.();
			// Aborted while the claim was being written: nothing left, so the claim must not read as an attempt.
			if (signal?.aborted) {
				await options.hooks?.release?.(progress.mayHaveApplied);
				signal.throwIfAborted();
			}
			progress.attempts = attempt;
			ctx.emit({ type: 'attempt', ...subject, attempt });
			const span = progress.trace?.attempt(attempt);
			const send = () =>
				sendOnce(ctx, request, {
					key: subject.key,
					operation: subject.operation,
					attempt,
					timeoutMs: options.timeout,
					remainingMs: timeoutMs,
					signal,
					mayHaveApplied: progress.mayHaveApplied,
				});
			const sent = await (span ? span.run(send) : send()).catch(async (error: unknown) => {
				// Nothing of this attempt left (its beforeAttempt hook failed, or the call was aborted during it).
				span?.end({ error: (error as Error | undefined)?.name ?? 'not_sent' });
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
			const replayed = decision.type === 'succeed' ? decision.replayed : undefined;
			const answer = sent.kind === 'response' ? { status: sent.status } : { error: sent.error };
			span?.end(answer, replayed);
			progress.concluded = attemptEntry(at, progress.waitedMs, answer, replayed);
			progress.waitedMs = undefined;
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
				const cause = decision.type === 'in_progress' ? 'in_progress' : decision.reason;
				const why =
					decision.retryAfterMs !== undefined ? 'retry_after' : cause === 'in_progress' ? cause : 'backoff';
				waited(progress, why, delayMs, cause);
				ctx.emit({
					type: 'retry',
					...subject,
					attempt,
					delayMs,
					reason: cause,
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

/** An attempt's history entry, with no field that says nothing (records are JSON: `undefined` is no value). */
function attemptEntry(
	at: number,
	waitedMs: number | undefined,
	answer: { status?: number; error?: string },
	replayed: boolean | undefined,
): AttemptEntry {
	const entry: AttemptEntry = { at, ...answer };
	if (replayed !== undefined) entry.replayed = replayed;
	if (waitedMs !== undefined) entry.waitedMs = waitedMs;
	return entry;
}
