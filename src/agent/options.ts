import { InvalidRequestError } from '../errors/classes.js';
import type { Journal } from '../journal/journal.js';
import { MemoryJournal } from '../journal/memory.js';
import { MAX_TIMEOUT_MS } from '../utils/input.js';
import { importSecret, secretLength, wellFormed } from './ids.js';
import type { IdempotentToolOptions, KeyBy, ToolCallInfo, ToolFailureStatus } from './types.js';

/** Options checked once, when the tool is wrapped, with defaults applied. */
export type ToolSettings<I> = {
	name: string;
	journal: Journal;
	scope: string;
	keyBy: KeyBy;
	runId: IdempotentToolOptions<I>['runId'];
	key: ((input: I, call: ToolCallInfo) => string) | undefined;
	hmacKey: Promise<CryptoKey> | undefined;
	throwOn: ReadonlySet<ToolFailureStatus>;
	retentionMs: number | undefined;
	keepMs: number;
	maxStoredBytes: number;
	journalTimeoutMs: number;
	/** Read on every use, so fake timers and a mocked `Date` move it. */
	now: () => number;
};

const MAX_NAME = 128;
const MAX_SCOPE = 200;
const MIN_SECRET_BYTES = 16;
const STATUSES: readonly ToolFailureStatus[] = ['outcome_unknown', 'failed'];

const invalid = (field: string, why: string) =>
	new InvalidRequestError(`Invalid idempotentTool option "${field}": ${why}.`, { field });

const optionalNumber = (options: Record<string, unknown>, field: string): number | undefined => {
	const value = options[field];
	if (value === undefined) return undefined;
	if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
		throw invalid(field, 'expected a finite number of milliseconds (or bytes), at least 0');
	}
	return value;
};

function journalTimeout(value: unknown): number {
	if (value === undefined) return 10_000;
	if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_TIMEOUT_MS) {
		throw invalid('journalTimeoutMs', `expected a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}`);
	}
	return value;
}

// Imported once and awaited on the first call, so defining a tool stays synchronous; a failure surfaces there, not as
// an unhandled rejection.
const quietly = <T>(promise: Promise<T>): Promise<T> => {
	promise.catch(() => {});
	return promise;
};

const OPTIONS: readonly string[] = [
	'name',
	'journal',
	'scope',
	'keyBy',
	'runId',
	'key',
	'secret',
	'throwOn',
	'retentionMs',
	'keepFinishedMs',
	'maxStoredResultBytes',
	'journalTimeoutMs',
] satisfies (keyof IdempotentToolOptions<unknown>)[];
// An MCP call's identity comes from its request (see idempotentMcpTool): these would be ignored there.
const NOT_FOR_MCP = ['keyBy', 'runId'];
// Names and scopes go into operation ids, record fields and the advice the model reads: no control characters.
const PRINTABLE = /^[^\p{Cc}]+$/u;

/** Checks what the caller gave, so a mistake is a typed error when the tool is defined, not on the model's first call. */
export function toolSettings<I>(options: IdempotentToolOptions<I>, forMcp = false): ToolSettings<I> {
	if (typeof options !== 'object' || options === null) throw invalid('options', 'expected an object');
	const raw = options as Record<string, unknown>;
	checkFields(raw, forMcp);
	const name = checkName(options.name);
	const journal = checkJournal(options.journal ?? new MemoryJournal());
	const scope = checkScope(options.scope ?? 'default');
	const { keyBy, runId } = checkKeying(options);
	const secret = checkSecret(options.secret);
	const throwOn = checkThrowOn(options.throwOn ?? []);
	return {
		name,
		journal,
		scope,
		keyBy,
		runId,
		key: options.key,
		hmacKey: secret === undefined ? undefined : quietly(importSecret(secret)),
		throwOn: new Set(throwOn),
		retentionMs: optionalNumber(raw, 'retentionMs'),
		keepMs: optionalNumber(raw, 'keepFinishedMs') ?? 86_400_000,
		maxStoredBytes: optionalNumber(raw, 'maxStoredResultBytes') ?? 65_536,
		journalTimeoutMs: journalTimeout(raw.journalTimeoutMs),
		now: () => Date.now(),
	};
}

// A misspelt option would be ignored in silence: a misspelt keyBy keys by call id, and a re-planned call applies twice.
function checkFields(raw: Record<string, unknown>, forMcp: boolean): void {
	for (const field of Object.keys(raw)) {
		if (!OPTIONS.includes(field)) throw invalid(field, 'not an option (misspelt?)');
		if (forMcp && NOT_FOR_MCP.includes(field) && raw[field] !== undefined) {
			throw invalid(
				field,
				"not an option of idempotentMcpTool: an MCP call is named by its request's _meta key or its input within the session",
			);
		}
	}
}

const isPrintableId = (value: unknown, maxLength: number): value is string =>
	typeof value === 'string' &&
	value.length > 0 &&
	value.length <= maxLength &&
	PRINTABLE.test(value) &&
	wellFormed(value);

function checkName(name: unknown): string {
	if (isPrintableId(name, MAX_NAME)) return name;
	throw invalid(
		'name',
		`expected the tool's name, 1 to ${MAX_NAME} characters, no control characters or lone surrogates`,
	);
}

function checkJournal(journal: Journal): Journal {
	for (const method of ['create', 'get', 'compareAndSet'] as const) {
		if (typeof (journal as unknown as Record<string, unknown>)[method] !== 'function') {
			throw invalid('journal', `expected a Journal (it has no ${method}() method)`);
		}
	}
	return journal;
}

function checkScope(scope: unknown): string {
	if (isPrintableId(scope, MAX_SCOPE)) return scope;
	throw invalid(
		'scope',
		`expected a string of 1 to ${MAX_SCOPE} characters, no control characters or lone surrogates`,
	);
}

/** How a call is identified: a business key, or the call (or intent) within a run. */
function checkKeying<I>(options: IdempotentToolOptions<I>): Pick<ToolSettings<I>, 'keyBy' | 'runId'> {
	if (options.key !== undefined && typeof options.key !== 'function') {
		throw invalid('key', 'expected a function (input, call) => string');
	}
	if (options.key !== undefined && options.keyBy !== undefined) {
		throw invalid('keyBy', 'give either a business key (key) or keyBy, not both');
	}
	const keyBy = options.keyBy ?? 'call';
	if (keyBy !== 'call' && keyBy !== 'intent') throw invalid('keyBy', "expected 'call' or 'intent'");
	const { runId } = options;
	if (
		runId !== undefined &&
		typeof runId !== 'function' &&
		(typeof runId !== 'string' || runId.length === 0)
	) {
		throw invalid('runId', 'expected a non-empty string or a function returning one');
	}
	if (keyBy === 'intent' && runId === undefined && options.key === undefined) {
		throw invalid(
			'runId',
			"keyBy: 'intent' needs the run, thread or conversation id the calls belong to (without one, the same input would be one action forever)",
		);
	}
	return { keyBy, runId };
}

type Secret = IdempotentToolOptions<unknown>['secret'];

function checkSecret(secret: Secret): Secret {
	if (secret === undefined) return secret;
	if (typeof secret !== 'string' && !(secret instanceof Uint8Array)) {
		throw invalid('secret', 'expected a string or a Uint8Array');
	}
	if (secretLength(secret) < MIN_SECRET_BYTES) {
		throw invalid('secret', `expected at least ${MIN_SECRET_BYTES} bytes`);
	}
	return secret;
}

function checkThrowOn(throwOn: unknown): readonly ToolFailureStatus[] {
	if (Array.isArray(throwOn) && throwOn.every((status) => STATUSES.includes(status))) return throwOn;
	throw invalid('throwOn', `expected a list of ${STATUSES.map((s) => `'${s}'`).join(', ')}`);
}
