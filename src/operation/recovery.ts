import type { IdemResult, OnExpired, ResumeAllOptions, ResumeReport } from '../client/types.js';
import { InvalidRequestError, JournalError } from '../errors/classes.js';
import { type JournalRecord, JournalRecordSchema } from '../journal/record.js';
import type { ClientContext } from './context.js';
import { resumeOperation } from './resume.js';

/** Unfinished operations of the client's scope, oldest first: what a restarted worker has to resume. */
export async function pendingOperations(ctx: ClientContext): Promise<readonly JournalRecord[]> {
	let records: unknown[];
	try {
		records = await ctx.journal.listUnfinished(ctx.scope);
	} catch (error) {
		throw new JournalError(
			`The journal failed to list the unfinished operations of scope "${ctx.scope}". ${(error as Error)?.message ?? ''}`.trim(),
			{ cause: error },
		);
	}
	return Object.freeze(
		records.map((value) => {
			const parsed = JournalRecordSchema.safeParse(value);
			if (!parsed.success || parsed.data.scope !== ctx.scope) {
				throw new JournalError(
					`The journal listed an unusable record for scope "${ctx.scope}"; check the journal's storage.`,
					{ cause: parsed.error },
				);
			}
			return Object.freeze(value as JournalRecord);
		}),
	);
}

/** Resumes every unfinished operation with at most `concurrency` in flight; one report per operation, in list order. */
export async function resumeAllOperations(
	ctx: ClientContext,
	options: ResumeAllOptions,
	clientOnExpired: OnExpired | undefined,
): Promise<ResumeReport[]> {
	const concurrency = options.concurrency ?? 4;
	if (!Number.isInteger(concurrency) || concurrency < 1) {
		throw new InvalidRequestError(`concurrency must be a positive integer; got ${String(concurrency)}.`, {
			field: 'concurrency',
		});
	}
	const records = await pendingOperations(ctx);
	const reports: ResumeReport[] = new Array(records.length);
	const { onExpired = clientOnExpired, concurrency: _, ...call } = options;
	let next = 0;
	const worker = async () => {
		while (next < records.length) {
			const index = next++;
			const operation = (records[index] as JournalRecord).operation;
			try {
				const result: IdemResult = await resumeOperation(ctx, operation, call, onExpired);
				reports[index] = Object.freeze({ operation, ok: true as const, result });
			} catch (error) {
				reports[index] = Object.freeze({ operation, ok: false as const, error });
			}
		}
	};
	await Promise.all(Array.from({ length: Math.min(concurrency, records.length) }, worker));
	return reports;
}
