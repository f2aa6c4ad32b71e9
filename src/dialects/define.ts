import { InvalidRequestError } from '../errors/classes.js';
import { TOKEN } from '../utils/headers.js';
import { buildDialect, type DialectInit } from './build.js';
import type { Dialect } from './types.js';

export type { DialectInit };

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
	return buildDialect(init);
}

// The calls are marked pure and the texts written out (no template literal), so that a bundler can drop this table
// from a page that never calls defineDialect, even once this module shares a chunk of the published build.
// A global or sticky RegExp keeps lastIndex between test() calls: it would match a path or key only every other time.
const isPattern = (v: unknown): boolean => v instanceof RegExp && !v.global && !v.sticky;
const isToken = (v: unknown): boolean => typeof v === 'string' && TOKEN.test(v);
// Items are typed as their check assumes: every check still tests the shape before it reads.
const listOf =
	<T>(ok: (item: T) => boolean) =>
	(v: unknown): boolean =>
		Array.isArray(v) && v.every(ok);

const isRule = (rule: Record<string, unknown> | null): boolean =>
	typeof rule === 'object' &&
	rule !== null &&
	Number.isInteger(rule.status) &&
	(rule.status as number) >= 100 &&
	(rule.status as number) <= 599 &&
	(rule.codes === undefined || listOf((c) => typeof c === 'string')(rule.codes)) &&
	(rule.text === undefined || isPattern(rule.text));
const RULES: FieldCheck = [
	/* @__PURE__ */ listOf(isRule),
	'a list of rules { status, codes?, text? }: status an HTTP status, codes strings, text a RegExp without the g or y flag',
];

type FieldCheck = readonly [ok: (value: unknown) => boolean, expected: string];

// Every field defineDialect knows, in the order they are checked, with what it must be; an omitted one (but name)
// takes the default.
const FIELDS: Readonly<Record<string, FieldCheck>> = {
	name: [(v) => typeof v === 'string' && v !== '', 'a non-empty string'],
	keyHeader: [isToken, 'a header name'],
	keyedMethods: [
		/* @__PURE__ */ listOf((m: string) => isToken(m) && m === m.toUpperCase() && m !== 'GET' && m !== 'HEAD'),
		'a list of upper-case methods (never GET or HEAD), such as ["POST"]',
	],
	keyless: [
		(v) => typeof v === 'function' || listOf(isPattern)(v),
		'a function (method, path) => boolean or a list of RegExps without the g or y flag',
	],
	keyMaxLength: [(v) => Number.isInteger(v) && (v as number) > 0, 'a positive integer'],
	keyPattern: [isPattern, 'a RegExp without the g or y flag'],
	retentionMs: [
		(v) => typeof v === 'number' && v > 0 && v < Number.POSITIVE_INFINITY,
		'a positive number of milliseconds, or undefined when the server does not document it',
	],
	replayHeaders: [
		/* @__PURE__ */ listOf((h?: Record<string, unknown>) => isToken(h?.name) && typeof h?.value === 'string'),
		'a list of { name, value } pairs of strings, name a header name',
	],
	replayAbsent: [(v) => v === false, 'false or undefined'],
	cachesErrors: [(v) => typeof v === 'boolean', 'a boolean'],
	inProgress: RULES,
	keyReused: RULES,
	keyMissing: RULES,
	alreadyApplied: RULES,
};

/** What is wrong with a dialect definition, in a few words; `undefined` when nothing is. */
function initProblem(init: DialectInit): string | undefined {
	if (typeof init !== 'object' || init === null) return 'expected an object such as { name: "my-api" }';
	const d = init as Record<string, unknown>;
	const unknown = Object.keys(d).find((k) => !Object.hasOwn(FIELDS, k));
	if (unknown !== undefined)
		return `unknown field "${unknown}"; expected one of ${Object.keys(FIELDS).join(', ')}`;
	for (const [field, [ok, expected]] of Object.entries(FIELDS)) {
		if ((d[field] !== undefined || field === 'name') && !ok(d[field])) return `${field} must be ${expected}`;
	}
	return undefined;
}
