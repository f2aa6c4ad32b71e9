import { HEADER_VALUE } from '../utils/headers.js';
import { isAbortSignal, MAX_TIMEOUT_MS, mustBe } from '../utils/input.js';

/*
What each option of the client and of its methods must be, as one table: a call's options and the client's share
their rules (a timeout is a timeout wherever it is given) and their message (`field must be what; got ...`). Checked
by hand, not with zod: these run on every call, in the browser too, whose bundle must not carry zod.
*/

export const isObject = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

/**
An object literal (of this realm or another), not an instance: a Map, URL or Date has no enumerable fields, so read as
parameters it would name none, and what the caller meant to send would be dropped without a word.
*/
const isPlainObject = (value: unknown): value is Record<string, unknown> => {
	if (!isObject(value)) return false;
	const proto: unknown = Object.getPrototypeOf(value);
	return proto === null || Object.getPrototypeOf(proto) === null;
};

const isFunction = (value: unknown) => typeof value === 'function';
const isParamValue = (value: unknown) => ['string', 'number', 'boolean'].includes(typeof value);
const isBoolean = (value: unknown) => typeof value === 'boolean';
// Safe integers only, as zod's int() took them: past 2^53 a byte count is no longer exact.
const isCount = (value: unknown) => Number.isSafeInteger(value) && (value as number) >= 0;
const COUNT = `a whole number from 0 to ${Number.MAX_SAFE_INTEGER}`;
const JOURNAL_METHODS = ['create', 'get', 'compareAndSet', 'listUnfinished', 'collectGarbage'];

type Rule = [what: string, ok: (value: unknown) => boolean];

/**
What each option of the client must be, for the message, and the test of it, in the order they are reported. A call's
options that the client has too (timeout, retry, searchParams, onExpired) follow the same rule. An option left
`undefined` is never tested; dialect and headers are checked where they are used (resolveDialect, mergeHeaders).
*/
export const CLIENT_RULES: Record<string, Rule> = {
	timeout: [
		`a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}`,
		(value) => Number.isInteger(value) && (value as number) >= 1 && (value as number) <= MAX_TIMEOUT_MS,
	],
	searchParams: [
		'URLSearchParams or an object of strings, numbers, booleans or arrays of them',
		(value) =>
			value instanceof URLSearchParams ||
			(isPlainObject(value) &&
				Object.values(value).every(
					(param) => isParamValue(param) || (Array.isArray(param) && param.every(isParamValue)),
				)),
	],
	baseUrl: ['a string or a URL', (value) => typeof value === 'string' || value instanceof URL],
	scope: [
		'a string of 1 to 200 characters',
		(value) => typeof value === 'string' && value.length >= 1 && value.length <= 200,
	],
	journalHeaders: [
		'an array of header names',
		(value) => Array.isArray(value) && value.every((name) => typeof name === 'string'),
	],
	storeBodies: ['a boolean', isBoolean],
	tracing: ['a boolean', isBoolean],
	maxStoredBodyBytes: [COUNT, isCount],
	maxResponseBytes: [COUNT, isCount],
	keepFinishedMs: [
		'a number of milliseconds from 0',
		(value) => Number.isFinite(value) && (value as number) >= 0,
	],
	// Under 3 ms a lease could not be renewed in time (every third of it); past a day it protects nobody from a dead owner.
	leaseMs: [
		'a whole number of milliseconds from 3 to 86_400_000',
		(value) => Number.isInteger(value) && (value as number) >= 3 && (value as number) <= 86_400_000,
	],
	maxInterruptedAttempts: [
		'a whole number from 1, or Infinity',
		(value) => value === Number.POSITIVE_INFINITY || (Number.isInteger(value) && (value as number) >= 1),
	],
	// The numbers themselves are checked by resolvePolicy; a non-object would otherwise be read as "no overrides".
	retry: ['an object such as { limit: 3 }', isObject],
	onEvent: ['a function', isFunction],
	onExpired: ['a function', isFunction],
	beforeAttempt: ['a function', isFunction],
	fetch: ['a function', isFunction],
	journal: [
		`an object with the methods ${JOURNAL_METHODS.join(', ')}`,
		(value) => isObject(value) && JOURNAL_METHODS.every((method) => isFunction(value[method])),
	],
};

/** Every option's rule: the client's, and those only a call (or resume, resumeAll, abandon) takes. */
export const RULES: Record<string, Rule> = {
	...CLIENT_RULES,
	signal: ['an AbortSignal', (value) => value === null || isAbortSignal(value)],
	schema: [
		'a Standard Schema (zod, valibot, arktype, ...)',
		(value) => isFunction((Object(value) as { '~standard'?: { validate?: unknown } })['~standard']?.validate),
	],
	// The key travels as a header value. A custom dialect's keyPattern may let through what fetch cannot send (a line
	// break) or would trim (outer spaces): the server would then see another key than the one journaled.
	key: [
		'a string fetch can send as a header value (Latin-1, no line break or outer space)',
		(value) => typeof value === 'string' && HEADER_VALUE.test(value) && !/^[ \t]|[ \t]$/.test(value),
	],
	url: ['a string', (value) => typeof value === 'string'],
	force: ['a boolean', isBoolean],
	concurrency: ['a positive integer', (value) => Number.isInteger(value) && (value as number) >= 1],
};

/** Throws for the first of `names` that `options` gives (not `undefined`) and its rule refuses. */
export function checkFields(options: Record<string, unknown>, names: readonly string[]): void {
	for (const name of names) {
		const value = options[name];
		const [what, ok] = RULES[name] as Rule;
		if (value !== undefined && !ok(value)) throw mustBe(name, what, value);
	}
}
