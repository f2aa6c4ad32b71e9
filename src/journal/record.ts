import type { StandardSchemaV1 } from '../types/standard-schema.js';

export const RECORD_VERSION = 1;

export const OPERATION_STATES = ['pending', 'inflight', 'succeeded', 'failed', 'unknown'] as const;
export type OperationState = (typeof OPERATION_STATES)[number];

export type RecordOutcome = {
	status: number;
	replayed: boolean | null;
	headers: [string, string][];
	/** Response text, absent when bodies are not stored or it exceeded the size cap. */
	body?: string | undefined;
	bodyTruncated?: boolean | undefined;
	/** For failed records: the error code (`key_reused`, `rejected`, ...) to raise again on re-run. */
	error?: string | undefined;
	/** Settled by hand, not by a server's answer: `abandon()`, `resolve()`, their commands, or `onExpired`. */
	byHand?: { action: 'abandon' | 'resolve'; reason?: string | undefined } | undefined;
};

export type RequestSnapshot = {
	url: string;
	/** Non-secret request headers only: Authorization, Cookie and API-key headers are never written. */
	headers: [string, string][];
	/** Body bytes, base64. */
	body?: string | undefined;
	/** The request had a body that was not stored (`storeBodies: false`): resuming it needs the caller's request. */
	bodyOmitted?: boolean | undefined;
};

/**
Who holds the operation's current attempt and until when (epoch ms on the journal's clock when it has one, see
`Journal.now`). Live while the record is `inflight` and `until` is ahead; `fence` only grows: each claim of a new owner
takes a higher one, so a write from an owner that lost its lease is refused.
*/
export type Lease = { owner: string; until: number; fence: number };

/** One attempt as the record remembers it: when it left, what came back, and the wait before it. */
export type AttemptEntry = {
	/** Epoch ms the attempt was claimed. */
	at: number;
	/** HTTP status, when one came back. */
	status?: number | undefined;
	/** Error kind (`network`, `timeout`, ...) when no status came back. */
	error?: string | undefined;
	replayed?: boolean | null | undefined;
	/** Ms waited (backoff, Retry-After, in progress) before it left. */
	waitedMs?: number | undefined;
};

export type JournalRecord = {
	v: typeof RECORD_VERSION;
	scope: string;
	operation: string;
	/** The Idempotency-Key; `null` for writes the dialect sends without one. Immutable once written. */
	key: string | null;
	/** SHA-256 of method, path and canonical body. */
	fingerprint: string;
	method: string;
	path: string;
	state: OperationState;
	/** Bumped by every write; compare-and-set compares it. */
	revision: number;
	attemptsStarted: number;
	attemptsFinished: number;
	/** Epoch ms. */
	createdAt: number;
	updatedAt: number;
	/** Epoch ms after which the server may have forgotten the key; `null` when the dialect documents no retention. */
	expiresAt: number | null;
	/** Epoch ms after which a finished record may be garbage-collected. */
	retainUntil: number;
	outcome?: RecordOutcome | undefined;
	request?: RequestSnapshot | undefined;
	/** The current or last attempt's lease; absent on records written before leases. */
	lease?: Lease | undefined;
	/** Times an attempt was found interrupted (its owner died or lost its lease mid-attempt) and taken over. */
	interruptions?: number | undefined;
	/** Epoch ms the operation was set aside after too many interruptions: it is resumed only on request. */
	setAsideAt?: number | undefined;
	/** The last attempts, oldest first (a bounded list). */
	history?: AttemptEntry[] | undefined;
	/** W3C trace context of the operation's first run, so a resumed run can link to it. */
	trace?: { traceparent: string; tracestate?: string | undefined } | undefined;
};

// The record's format, checked by hand rather than with a schema library: this runs in browsers, where zod would
// cost more than the rest of the journal. Each field of the types above has its check here, in the same order.
type Issue = { path: string[]; message: string };
/**
Where a check is, as a chain to the root: made into an array only for an issue. Every journal write is checked, and
copying a path array per field cost more than the checks themselves.
*/
type At = { readonly up: At; readonly name: string } | undefined;
type Check = (value: unknown, at: At, issues: Issue[]) => void;

const pathOf = (at: At): string[] => {
	const path: string[] = [];
	for (let step = at; step; step = step.up) path.unshift(step.name);
	return path;
};

const shown = (value: unknown): string => {
	if (typeof value === 'string') {
		// A foreign blob stored under a record's key must not flood the message.
		return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
	}
	if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
	return Array.isArray(value) ? 'an array' : typeof value;
};

const is =
	(expected: string, ok: (value: unknown) => boolean): Check =>
	(value, at, issues) => {
		if (!ok(value)) issues.push({ path: pathOf(at), message: `expected ${expected}, got ${shown(value)}` });
	};

const isString = (value: unknown) => typeof value === 'string';
const text = is('a string', isString);
const textOrNull = is('a string or null', (value) => value === null || isString(value));
const optionalText = is('a string or nothing', (value) => value === undefined || isString(value));
const optionalFlag = is('a boolean or nothing', (value) => value === undefined || typeof value === 'boolean');
// JSON has no NaN or Infinity: such a number is a bug in whoever wrote the record.
const number = is('a finite number', Number.isFinite);
const optionalNumber = is(
	'a finite number or nothing',
	(value) => value === undefined || Number.isFinite(value),
);
const oneOf = (values: readonly unknown[]) =>
	is(`one of ${values.map(shown).join(', ')}`, (value) => values.includes(value));
const isPair = (pair: unknown) => Array.isArray(pair) && pair.length === 2 && pair.every(isString);
const headerList = is(
	'a list of [name, value] string pairs',
	(value) => Array.isArray(value) && value.every(isPair),
);

const listOf =
	(item: Check): Check =>
	(value, at, issues) => {
		if (value === undefined) return;
		if (!Array.isArray(value))
			issues.push({ path: pathOf(at), message: `expected a list or nothing, got ${shown(value)}` });
		else {
			for (const [i, entry] of value.entries()) item(entry, { up: at, name: String(i) }, issues);
		}
	};

const object = (fields: Record<string, Check>, optional = false): Check => {
	const entries = Object.entries(fields);
	return (value, at, issues) => {
		if (optional && value === undefined) return;
		if (typeof value !== 'object' || value === null || Array.isArray(value)) {
			issues.push({
				path: pathOf(at),
				message: `expected an object${optional ? ' or nothing' : ''}, got ${shown(value)}`,
			});
			return;
		}
		const record = value as Record<string, unknown>;
		for (const [name, check] of entries) check(record[name], { up: at, name }, issues);
	};
};

const checkRecord = object({
	v: is(`format version ${RECORD_VERSION}`, (value) => value === RECORD_VERSION),
	scope: text,
	operation: text,
	key: textOrNull,
	fingerprint: text,
	method: text,
	path: text,
	state: oneOf(OPERATION_STATES),
	revision: number,
	attemptsStarted: number,
	attemptsFinished: number,
	createdAt: number,
	updatedAt: number,
	expiresAt: is('a finite number or null', (value) => value === null || Number.isFinite(value)),
	retainUntil: number,
	outcome: object(
		{
			status: number,
			replayed: is('a boolean or null', (value) => value === null || typeof value === 'boolean'),
			headers: headerList,
			body: optionalText,
			bodyTruncated: optionalFlag,
			error: optionalText,
			byHand: object({ action: oneOf(['abandon', 'resolve']), reason: optionalText }, true),
		},
		true,
	),
	request: object({ url: text, headers: headerList, body: optionalText, bodyOmitted: optionalFlag }, true),
	lease: object({ owner: text, until: number, fence: number }, true),
	interruptions: optionalNumber,
	setAsideAt: optionalNumber,
	history: listOf(
		object({
			at: number,
			status: optionalNumber,
			error: optionalText,
			replayed: is('a boolean, null or nothing', (value) => value == null || typeof value === 'boolean'),
			waitedMs: optionalNumber,
		}),
	),
	trace: object({ traceparent: text, tracestate: optionalText }, true),
});

/**
The record format as a Standard Schema (v1), for journal authors who check what their storage gives back with the
tools they already use. `recordProblem` reads its answer: one definition of a valid record. A valid value is returned as
it is, not copied.
*/
export const JournalRecordSchema = {
	'~standard': {
		version: 1,
		vendor: 'idemkey',
		validate: (
			value: unknown,
		): { value: JournalRecord; issues?: undefined } | { issues: Issue[]; value?: undefined } => {
			const issues: Issue[] = [];
			checkRecord(value, undefined, issues);
			return issues.length === 0 ? { value: value as JournalRecord } : { issues };
		},
	},
} as const satisfies StandardSchemaV1<unknown, JournalRecord>;

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
Why `value` is not a usable journal record (of `expected` scope, and operation when given), in a few words for an
error message; `undefined` when it is one. Journals and the client share it so every report reads alike.
*/
export function recordProblem(
	value: unknown,
	expected?: { scope: string; operation?: string },
): string | undefined {
	const { issues } = JournalRecordSchema['~standard'].validate(value);
	if (issues) {
		return issues
			.slice(0, 3)
			.map((issue) => `${issue.path.join('.') || 'record'}: ${issue.message}`)
			.join('; ');
	}
	const { scope, operation } = value as JournalRecord;
	if (expected && (scope !== expected.scope || (expected.operation ?? operation) !== operation)) {
		return `it belongs to scope "${scope}", operation "${operation}"`;
	}
	return undefined;
}
