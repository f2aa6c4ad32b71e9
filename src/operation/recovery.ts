import { isIdempotencyError } from '../errors/base.js';
import { InProgressError, InvalidRequestError } from '../errors/classes.js';
import { type JournalRecord, recordId } from '../journal/record.js';
import type {
	AbandonOptions,
	OnExpired,
	ResolveOptions,
	ResumeAllOptions,
	ResumeError,
	ResumeReport,
} from '../types/recovery.js';
import type { IdemResult } from '../types/result.js';
import { type ByHand, refusal, sameByHand, settledByHand, writeByHand } from './by-hand.js';
import type { ClientContext } from './context.js';
import { callerBound, journalPort, listUnfinished, readExisting } from './journal-io.js';
import { resumeOperation } from './resume.js';
import { setAsideError } from './set-aside.js';

/**
`client.pending()`: the unfinished operations of the client's scope, oldest first, what a restarted worker has to
resume. Bounded like every journal wait: by the caller's signal and `retry.maxRetryTime` (the client's, or `retry`'s).
*/
export const listPending = (
	ctx: ClientContext,
	options: Pick<ResumeAllOptions, 'signal' | 'retry'> = {},
): Promise<readonly JournalRecord[]> => listUnfinished(ctx, callerBound(ctx, options));

/**
Resumes every unfinished operation with at most `concurrency` in flight; one report per operation, in list order. An
operation set aside (interrupted `maxInterruptedAttempts` times) is reported failed without being run.
*/
export async function resumeAllOperations(
	ctx: ClientContext,
	options: ResumeAllOptions,
	clientOnExpired: OnExpired | undefined,
): Promise<ResumeReport[]> {
	// Checked once for all by the client (client/call-options.ts): not a failure of each operation.
	const { onExpired = clientOnExpired, concurrency = 4, ...call } = options;
	const { signal } = options;
	signal?.throwIfAborted();
	const records = await listPending(ctx, call);
	const reports: ResumeReport[] = new Array(records.length);
	let next = 0;
	const worker = async () => {
		while (next < records.length && !signal?.aborted) {
			const index = next++;
			const record = records[index] as JournalRecord;
			const { operation } = record;
			// Set aside after a crash loop: resuming it takes an explicit resume(operation, { force: true }).
			if (record.setAsideAt !== undefined) {
				const error = setAsideError(record, { key: record.key ?? undefined, operation });
				reports[index] = Object.freeze({ operation, ok: false as const, error });
				continue;
			}
			try {
				const result: IdemResult = await resumeOperation(ctx, operation, call, onExpired);
				reports[index] = Object.freeze({ operation, ok: true as const, result });
			} catch (error) {
				// Only the caller's abort (its reason, thrown before anything was sent) or a bug is not an idemkey
				// error: neither is one operation's outcome, and both end the whole call below.
				if (!isIdempotencyError(error)) throw error;
				reports[index] = Object.freeze({ operation, ok: false as const, error: error as ResumeError });
			}
		}
	};
	const settled = await Promise.allSettled(
		Array.from({ length: Math.min(concurrency, records.length) }, worker),
	);
	signal?.throwIfAborted();
	for (const outcome of settled) if (outcome.status === 'rejected') throw outcome.reason;
	return reports;
}

/**
Settles an unfinished operation by hand: abandoned (failed; later runs raise `OperationAbandonedError`) or resolved
with the outcome the caller found (succeeded; later runs answer it from the journal). Repeating the same settlement is
a no-op that resolves to the stored record.
*/
export async function settleOperation(
	ctx: ClientContext,
	operation: string,
	decision: ByHand,
	options: AbandonOptions,
): Promise<JournalRecord> {
	const { signal } = options;
	signal?.throwIfAborted();
	// One deadline for the read and the write: the whole settlement is bounded like one call.
	const port = journalPort(ctx, operation, callerBound(ctx, options));
	const record = await readExisting(port, ctx.scope);
	port.ids.key = record.key ?? undefined;
	const next = settledByHand(record, decision, ctx.now());
	const why = refusal(record, ctx.flights.has(recordId(ctx.scope, operation)), options.force === true);
	if (why === 'finished' && sameByHand(record, next)) return Object.freeze(record);
	if (why !== undefined) throw refused(record, why, decision.action);
	await writeByHand(port, next);
	return Object.freeze(next);
}

function refused(
	record: JournalRecord,
	why: NonNullable<ReturnType<typeof refusal>>,
	action: ByHand['action'],
) {
	const ids = { key: record.key ?? undefined, operation: record.operation };
	const what = `Operation "${record.operation}"`;
	if (why === 'finished') {
		const by = record.outcome?.byHand?.action;
		const how = by
			? `${by === 'abandon' ? 'abandoned' : 'resolved'} by hand`
			: `with status ${record.outcome?.status ?? 'unknown'}`;
		return new InvalidRequestError(
			`${what} already ${record.state} (${how}); only an unfinished operation can be abandoned or resolved.`,
			{ field: 'operation', ...ids },
		);
	}
	return new InProgressError(
		why === 'running_here'
			? `${what} is being sent by this client right now: wait for the call to finish before you ${action} it.`
			: `${what} has an attempt in flight since ${new Date(record.updatedAt).toISOString()} with no answer recorded, maybe in another process. If that process is gone, ${action} it with force: true (idemkey ${action} --force).`,
		{ ...ids, attempts: record.attemptsStarted },
	);
}

export const abandonOperation = (ctx: ClientContext, operation: string, options: AbandonOptions = {}) =>
	settleOperation(ctx, operation, { action: 'abandon', reason: options.reason }, options);

export const resolveOperation = (ctx: ClientContext, operation: string, options: ResolveOptions = {}) =>
	settleOperation(
		ctx,
		operation,
		{ action: 'resolve', status: options.status, data: options.data, reason: options.reason },
		options,
	);
