import * as z from 'zod/mini';

export const RECORD_VERSION = 1;

export const OPERATION_STATES = ['pending', 'inflight', 'succeeded', 'failed', 'unknown'] as const;
export type OperationState = (typeof OPERATION_STATES)[number];

const HeaderList = z.array(z.tuple([z.string(), z.string()]));

export const OutcomeSchema = z.object({
	status: z.number(),
	replayed: z.nullable(z.boolean()),
	headers: HeaderList,
	/** Response text, absent when bodies are not stored or it exceeded the size cap. */
	body: z.optional(z.string()),
	bodyTruncated: z.optional(z.boolean()),
	/** For failed records: the error code (`key_reused`, `rejected`, ...) to raise again on re-run. */
	error: z.optional(z.string()),
	/** Settled by hand, not by a server's answer: `abandon()`, `resolve()`, their commands, or `onExpired`. */
	byHand: z.optional(z.object({ action: z.enum(['abandon', 'resolve']), reason: z.optional(z.string()) })),
});

export const RequestSnapshotSchema = z.object({
	url: z.string(),
	/** Non-secret request headers only: Authorization, Cookie and API-key headers are never written. */
	headers: HeaderList,
	/** Body bytes, base64. */
	body: z.optional(z.string()),
	/** The request had a body that was not stored (`storeBodies: false`): resuming it needs the caller's request. */
	bodyOmitted: z.optional(z.boolean()),
});

export const JournalRecordSchema = z.object({
	v: z.literal(RECORD_VERSION),
	scope: z.string(),
	operation: z.string(),
	/** The Idempotency-Key; `null` for writes the dialect sends without one. Immutable once written. */
	key: z.nullable(z.string()),
	/** SHA-256 of method, path and canonical body. */
	fingerprint: z.string(),
	method: z.string(),
	path: z.string(),
	state: z.enum(OPERATION_STATES),
	/** Bumped by every write; compare-and-set compares it. */
	revision: z.number(),
	attemptsStarted: z.number(),
	attemptsFinished: z.number(),
	/** Epoch ms. */
	createdAt: z.number(),
	updatedAt: z.number(),
	/** Epoch ms after which the server may have forgotten the key; `null` when the dialect documents no retention. */
	expiresAt: z.nullable(z.number()),
	/** Epoch ms after which a finished record may be garbage-collected. */
	retainUntil: z.number(),
	outcome: z.optional(OutcomeSchema),
	request: z.optional(RequestSnapshotSchema),
});

export type JournalRecord = z.infer<typeof JournalRecordSchema>;
export type RecordOutcome = z.infer<typeof OutcomeSchema>;
export type RequestSnapshot = z.infer<typeof RequestSnapshotSchema>;

export const isFinished = (state: OperationState): boolean => state === 'succeeded' || state === 'failed';

/** Finished records past their retention; unfinished ones are kept until they are resolved. */
export const isCollectable = (record: JournalRecord, now: number): boolean =>
	isFinished(record.state) && record.retainUntil <= now;

/**
Identity of a record within a journal, as one string. Length-prefixed so that it is unambiguous whatever the ids
hold: joining with a separator (NUL, ':') let `('a\0b', 'c')` and `('a', 'b\0c')` share a record. Used only for
in-memory maps: no journal stores it, so changing it changes no stored data.
*/
export const recordId = (scope: string, operation: string): string => `${scope.length}:${scope}${operation}`;

/**
Why `value` is not a usable journal record (of `expected` scope and operation, when given), in a few words for an
error message; `undefined` when it is one. Journals and the client share it so every report reads alike.
*/
export function recordProblem(
	value: unknown,
	expected?: { scope: string; operation: string | undefined },
): string | undefined {
	const parsed = JournalRecordSchema.safeParse(value);
	if (!parsed.success) {
		return parsed.error.issues
			.slice(0, 3)
			.map((issue) => `${issue.path.join('.') || 'record'}: ${issue.message}`)
			.join('; ');
	}
	const { scope, operation } = parsed.data;
	if (expected && (scope !== expected.scope || operation !== expected.operation)) {
		return `it belongs to scope "${scope}", operation "${operation}"`;
	}
	return undefined;
}
