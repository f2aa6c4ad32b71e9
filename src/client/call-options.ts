import { InvalidRequestError } from '../errors/classes.js';
import { HEADER_VALUE, TOKEN } from '../utils/headers.js';
import { checkOperation, describe, isAbortSignal, MAX_TIMEOUT_MS } from '../utils/input.js';

/*
Every check the arguments of a client method get (a call's options, resume's, resumeAll's, pending's, abandon's and
resolve's), and the rules of the options the client shares with them, in one place: run before operation/ sees them,
so before anything is journaled or sent. The rule: whatever fetch would refuse to build (or undici refuse to send) is
refused here first, with the field named. Otherwise fetch throws a TypeError once the attempt is claimed, and a request
that never left the process is reported as a network error: retried, then "may have been applied". Checked by hand,
not with zod: these run on every call, in the browser too, whose bundle must not carry zod.
*/

/** `field must be what; got <value described, never shown: it may be a secret>.` */
export const mustBe = (field: string, what: string, value: unknown): InvalidRequestError =>
	new InvalidRequestError(`${field} must be ${what}; got ${describe(value)}.`, { field });

export const isObject = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

const isFunction = (value: unknown) => typeof value === 'function';
const isParamValue = (value: unknown) => ['string', 'number', 'boolean'].includes(typeof value);
const isCount = (value: unknown) => Number.isInteger(value) && (value as number) >= 0;
const JOURNAL_METHODS = ['create', 'get', 'compareAndSet', 'listUnfinished', 'collectGarbage'];

/** What each option must be, for the message, and the test of it. An option left `undefined` is never tested. */
export const RULES: Record<string, [what: string, ok: (value: unknown) => boolean]> = {
	timeout: [
		`a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}`,
		(value) => Number.isInteger(value) && (value as number) >= 1 && (value as number) <= MAX_TIMEOUT_MS,
	],
	// The numbers themselves are checked by resolvePolicy; a non-object would otherwise be read as "no overrides".
	retry: ['an object such as { limit: 3 }', isObject],
	signal: ['an AbortSignal', (value) => value === null || isAbortSignal(value)],
	schema: [
		'a Standard Schema (zod, valibot, arktype, ...)',
		(value) => isFunction((Object(value) as { '~standard'?: { validate?: unknown } })['~standard']?.validate),
	],
	searchParams: [
		'URLSearchParams or an object of strings, numbers, booleans or arrays of them',
		(value) =>
			value instanceof URLSearchParams ||
			(isObject(value) &&
				Object.values(value).every(
					(param) => isParamValue(param) || (Array.isArray(param) && param.every(isParamValue)),
				)),
	],
	onExpired: ['a function', isFunction],
	force: ['a boolean', (value) => typeof value === 'boolean'],
	concurrency: ['a positive integer', (value) => Number.isInteger(value) && (value as number) >= 1],
	// The client's own; dialect and headers are checked where they are used (resolveDialect, mergeHeaders).
	baseUrl: ['a string or a URL', (value) => typeof value === 'string' || value instanceof URL],
	scope: [
		'a string of 1 to 200 characters',
		(value) => typeof value === 'string' && value.length >= 1 && value.length <= 200,
	],
	journalHeaders: [
		'an array of header names',
		(value) => Array.isArray(value) && value.every((name) => typeof name === 'string'),
	],
	storeBodies: ['a boolean', (value) => typeof value === 'boolean'],
	maxStoredBodyBytes: ['a whole number from 0', isCount],
	maxResponseBytes: ['a whole number from 0', isCount],
	keepFinishedMs: [
		'a number of milliseconds from 0',
		(value) => Number.isFinite(value) && (value as number) >= 0,
	],
	onEvent: ['a function', isFunction],
	beforeAttempt: ['a function', isFunction],
	fetch: ['a function', isFunction],
	journal: [
		`an object with the methods ${JOURNAL_METHODS.join(', ')}`,
		(value) => isObject(value) && JOURNAL_METHODS.every((method) => isFunction(value[method])),
	],
};

/** Throws for the first of `names` that `options` gives (not `undefined`) and its rule refuses. */
export function checkFields(options: Record<string, unknown>, names: readonly string[]): void {
	for (const name of names) {
		const value = options[name];
		const [what, ok] = RULES[name] as [string, (value: unknown) => boolean];
		if (value !== undefined && !ok(value)) throw mustBe(name, what, value);
	}
}

/** The options every call that sends shares (plain calls, resumes), and the waits of the others. */
const SEND_OPTIONS = ['signal', 'timeout', 'retry', 'schema'];

/** Methods fetch refuses to send, whatever their case. */
const FORBIDDEN_METHODS = ['CONNECT', 'TRACE', 'TRACK'];

/** The method in upper case, or InvalidRequestError (field `method`). */
export function checkMethod(method: unknown): string {
	// Checked before upper-casing: toUpperCase() turns some non-ASCII letters into ASCII ones.
	const upper = typeof method === 'string' && TOKEN.test(method) ? method.toUpperCase() : undefined;
	if (upper === undefined || FORBIDDEN_METHODS.includes(upper)) {
		throw mustBe('method', 'a token fetch can send, such as "POST" (not CONNECT, TRACE or TRACK)', method);
	}
	return upper;
}

/** A timeout in ms, given per call or per client (`field` names which). */
export function checkTimeout(value: unknown, field = 'timeout'): void {
	const [what, ok] = RULES.timeout as [string, (value: unknown) => boolean];
	if (value !== undefined && !ok(value)) throw mustBe(field, what, value);
}

/** The options argument of a client method is an object, or InvalidRequestError (field `options`). */
function checkOptions(
	options: unknown,
	names: readonly string[],
): asserts options is Record<string, unknown> {
	if (!isObject(options)) throw mustBe('options', 'an object', options);
	checkFields(options, names);
}

/**
Checks one call of `client.request()` and friends; returns its upper-case method. Headers are checked where they are
merged (`mergeHeaders`), the key against the dialect once the request is prepared.
*/
export function checkCall(method: unknown, input: unknown, options: unknown): string {
	const upper = checkMethod(method);
	if (typeof input !== 'string') throw mustBe('url', 'a string', input);
	checkOptions(options, SEND_OPTIONS);
	checkRequestParts(upper, options);
	return upper;
}

/** What a call sends besides its method and URL: operation, key, body and query (`upper`: the method, if known). */
function checkRequestParts(upper: string | undefined, options: Record<string, unknown>): void {
	const { operation, key, json, body } = options;
	if (operation !== undefined) checkOperation(operation);
	// The key travels as a header value. A custom dialect's keyPattern may let through what fetch cannot send (a line
	// break) or would trim (outer spaces): the server would then see another key than the one journaled.
	if (
		key !== undefined &&
		(typeof key !== 'string' || !HEADER_VALUE.test(key) || /^[ \t]|[ \t]$/.test(key))
	) {
		throw mustBe(
			'key',
			'a string fetch can send as a header value (Latin-1, no line break or outer space)',
			key,
		);
	}
	if (
		(upper === 'GET' || upper === 'HEAD') &&
		(json !== undefined || (body !== undefined && body !== null))
	) {
		throw new InvalidRequestError(`A ${upper} request cannot carry a body; send it with POST or PUT.`, {
			field: 'body',
		});
	}
	checkFields(options, ['searchParams']);
}

/**
Checks the arguments of `resume()`, its `request` included: the method and URL it leaves out are the journaled ones,
already checked when they were first sent (and never a GET or HEAD, which are not journaled).
*/
export function checkResume(operation: unknown, options: unknown): void {
	checkOperation(operation);
	checkOptions(options, [...SEND_OPTIONS, 'onExpired']);
	const { request } = options;
	if (request === undefined) return;
	if (!isObject(request)) throw mustBe('request', 'an object such as { json }', request);
	if (request.url !== undefined && typeof request.url !== 'string')
		throw mustBe('url', 'a string', request.url);
	checkRequestParts(request.method === undefined ? undefined : checkMethod(request.method), request);
}

/** Checks the options of `pending()`: the bounds of its journal wait. */
export const checkPending = (options: unknown): void => checkOptions(options, SEND_OPTIONS);

/** Checks the options of `resumeAll()` once for all: a bad one is the caller's mistake, not each operation's failure. */
export const checkResumeAll = (options: unknown): void =>
	checkOptions(options, ['concurrency', ...SEND_OPTIONS]);

/**
Checks the arguments of `abandon()` and `resolve()`. Their reason, status and data are checked against the record they
settle, where the error can name its key.
*/
export function checkSettle(operation: unknown, options: unknown): void {
	if (!isObject(options)) throw mustBe('options', 'an object', options);
	if (typeof operation !== 'string' || operation === '')
		throw mustBe('operation', 'a non-empty string', operation);
	checkFields(options, ['force', ...SEND_OPTIONS]);
}
