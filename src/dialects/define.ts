import { InvalidRequestError } from '../errors/classes.js';
import { TOKEN } from '../utils/headers.js';
import type { AnswerRule, Dialect, ReplayHeader } from './types.js';

/** Replay headers seen in the wild; the default dialect honours all of them. */
export const KNOWN_REPLAY_HEADERS: readonly ReplayHeader[] = [
	{ name: 'Idempotent-Replayed', value: 'true' },
	{ name: 'X-Idempotent-Replayed', value: 'true' },
	{ name: 'Idempotency-Replayed', value: 'true' },
	{ name: 'Idempotency-Status', value: 'cached' },
];

/** Body codes that mean "in progress" whatever the dialect. */
export const IN_PROGRESS_CODES = [
	'idempotency_key_in_use',
	'idempotency_in_progress',
	'request_in_progress',
	'in_progress',
] as const;

/** Body codes that mean "same key, other request" whatever the dialect: never retried. */
export const KEY_REUSE_CODES = [
	'idempotency_key_reused',
	'idempotency_key_conflict',
	'idempotency_error',
	'idempotency_key_mismatch',
] as const;

export const KEY_MISSING_CODES = [
	'missing_idempotency_key',
	'idempotency_key_missing',
	'idempotency_key_required',
] as const;

// Visible ASCII minus quote, comma, semicolon and backslash: a raw header token no proxy will mangle.
export const SAFE_KEY_PATTERN = /^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]+$/;

export type DialectInit = Partial<Omit<Dialect, 'name' | 'keyless'>> & {
	name: string;
	/** Either a predicate or a list of path patterns that take no key. */
	keyless?: Dialect['keyless'] | readonly RegExp[];
};

const none: readonly AnswerRule[] = [];

// A registered symbol rather than a WeakSet, so that the ESM and CommonJS copies of the package recognise each
// other's dialects. Not enumerable: a spread copy (`{ ...stripe, keyHeader }`) is not a checked dialect and loses it.
const BRAND = Symbol.for('idemkey.dialect');

/** Whether `value` was made by `defineDialect()` (and so was checked). */
export const isDialect = (value: unknown): value is Dialect =>
	typeof value === 'object' && value !== null && Object.hasOwn(value, BRAND);

/**
Builds a dialect from the facts that differ from the safe default. Every omitted field takes the default (IETF draft behaviour).
Throws InvalidRequestError (field `dialect`) for a field of the wrong shape, or one it does not know (a typo would
otherwise silently keep the default).
*/
export function defineDialect(init: DialectInit): Dialect {
	const problem = initProblem(init);
	if (problem !== undefined) {
		const name = typeof init?.name === 'string' ? ` "${init.name}"` : '';
		throw new InvalidRequestError(`defineDialect${name}: ${problem}.`, { field: 'dialect' });
	}
	const { keyless, ...rest } = init;
	const keylessFn: Dialect['keyless'] =
		typeof keyless === 'function'
			? keyless
			: keyless === undefined || keyless.length === 0
				? () => false
				: (_method, path) => keyless.some((pattern) => pattern.test(path));
	const dialect: Dialect = {
		keyHeader: 'Idempotency-Key',
		keyedMethods: ['POST', 'PUT', 'PATCH', 'DELETE'],
		keyMaxLength: 255,
		keyPattern: SAFE_KEY_PATTERN,
		retentionMs: undefined,
		replayHeaders: KNOWN_REPLAY_HEADERS,
		replayAbsent: undefined,
		cachesErrors: false,
		inProgress: none,
		keyReused: none,
		keyMissing: none,
		alreadyApplied: none,
		...rest,
		keyless: keylessFn,
	};
	Object.defineProperty(dialect, BRAND, { value: true });
	return Object.freeze(dialect);
}

// A global or sticky RegExp keeps lastIndex between test() calls: it would match a path or key only every other time.
const statelessRegExp = (value: unknown): boolean =>
	value instanceof RegExp && !value.global && !value.sticky;

const isToken = (value: unknown): value is string => typeof value === 'string' && TOKEN.test(value);

function isRule(rule: unknown): boolean {
	if (typeof rule !== 'object' || rule === null) return false;
	const { status, codes, text } = rule as Record<string, unknown>;
	return (
		Number.isInteger(status) &&
		(status as number) >= 100 &&
		(status as number) <= 599 &&
		(codes === undefined || (Array.isArray(codes) && codes.every((c) => typeof c === 'string'))) &&
		(text === undefined || statelessRegExp(text))
	);
}

const rules = (field: string): FieldCheck => [
	(v) => Array.isArray(v) && v.every(isRule),
	`${field} must list rules { status, codes?, text? }: status an HTTP status, codes strings, text a RegExp without the g or y flag`,
];

type FieldCheck = readonly [ok: (value: unknown) => boolean, problem: string];

// Every field defineDialect knows, in the order they are checked; an omitted one (but name) takes the default.
const FIELDS: Readonly<Record<string, FieldCheck>> = {
	name: [(v) => typeof v === 'string' && v.length > 0, 'name must be a non-empty string'],
	keyHeader: [isToken, 'keyHeader must be a header name'],
	keyedMethods: [
		(v) =>
			Array.isArray(v) && v.every((m) => isToken(m) && m === m.toUpperCase() && m !== 'GET' && m !== 'HEAD'),
		'keyedMethods must list upper-case methods (never GET or HEAD), such as ["POST"]',
	],
	keyless: [
		(v) => typeof v === 'function' || (Array.isArray(v) && v.every(statelessRegExp)),
		'keyless must be a function (method, path) => boolean or a list of RegExps without the g or y flag',
	],
	keyMaxLength: [(v) => Number.isInteger(v) && (v as number) > 0, 'keyMaxLength must be a positive integer'],
	keyPattern: [statelessRegExp, 'keyPattern must be a RegExp without the g or y flag'],
	retentionMs: [
		(v) => typeof v === 'number' && Number.isFinite(v) && v > 0,
		'retentionMs must be a positive number of milliseconds, or undefined when the server does not document it',
	],
	replayHeaders: [
		(v) => Array.isArray(v) && v.every((h) => isToken(h?.name) && typeof h?.value === 'string'),
		'replayHeaders must list { name, value } pairs of strings, name a header name',
	],
	replayAbsent: [(v) => v === false, 'replayAbsent must be false or undefined'],
	cachesErrors: [(v) => typeof v === 'boolean', 'cachesErrors must be a boolean'],
	inProgress: rules('inProgress'),
	keyReused: rules('keyReused'),
	keyMissing: rules('keyMissing'),
	alreadyApplied: rules('alreadyApplied'),
};

/** What is wrong with a dialect definition, in a few words; `undefined` when nothing is. */
function initProblem(init: DialectInit): string | undefined {
	if (typeof init !== 'object' || init === null) return 'expected an object such as { name: "my-api" }';
	const d = init as Record<string, unknown>;
	const unknown = Object.keys(d).find((k) => !Object.hasOwn(FIELDS, k));
	if (unknown !== undefined) {
		return `unknown field "${unknown}"; expected one of ${Object.keys(FIELDS).join(', ')}`;
	}
	for (const [field, [ok, problem]] of Object.entries(FIELDS)) {
		const value = d[field];
		if ((value !== undefined || field === 'name') && !ok(value)) return problem;
	}
	return undefined;
}
