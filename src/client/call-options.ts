import { InvalidRequestError } from '../errors/classes.js';
import { HEADER_VALUE, TOKEN } from '../utils/headers.js';
import { checkOperation, describe, isAbortSignal, MAX_TIMEOUT_MS } from '../utils/input.js';

/*
Every check the arguments of a client method get (a call's options, resume's, resumeAll's, pending's, abandon's and
resolve's), in one place, run by the client before it hands them to operation/, so before anything is journaled or
sent. The rule: whatever fetch would refuse to build (or undici refuse to send) is refused here first, with the field
named. Otherwise fetch throws a TypeError once the attempt is claimed, and a request that never left the process is
reported as a network error: retried, then "may have been applied". Checked by hand, not with zod: these run on every
call, in the browser too, whose bundle must not carry zod.
*/

/** Methods fetch refuses to send, whatever their case. */
const FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);

const invalid = (field: string, message: string) => new InvalidRequestError(message, { field });

const isObject = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

/** The method in upper case, or InvalidRequestError (field `method`). */
export function checkMethod(method: unknown): string {
	// Checked before upper-casing: toUpperCase() turns some non-ASCII letters into ASCII ones.
	if (typeof method !== 'string' || !TOKEN.test(method)) {
		throw invalid(
			'method',
			'The HTTP method must be a token such as "POST" (letters, digits and !#$%&\'*+.^_`|~-).',
		);
	}
	const upper = method.toUpperCase();
	if (FORBIDDEN_METHODS.has(upper)) {
		throw invalid('method', `fetch cannot send ${upper} requests; use another method.`);
	}
	return upper;
}

/** A timeout in ms, given per call or per client (`field` names which). */
export function checkTimeout(value: unknown, field = 'timeout'): void {
	if (value === undefined) return;
	if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_TIMEOUT_MS) {
		throw invalid(
			field,
			`${field} must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}; got ${describe(value)}.`,
		);
	}
}

/** The options every call that sends shares (plain calls, resumes): signal, timeout, retry, schema. */
export function checkSendOptions(options: Record<string, unknown>): void {
	const { signal, schema, retry } = options;
	if (signal !== undefined && signal !== null && !isAbortSignal(signal)) {
		throw invalid('signal', `signal must be an AbortSignal; got ${describe(signal)}.`);
	}
	checkTimeout(options.timeout);
	// The numbers themselves are checked by resolvePolicy; a non-object would otherwise be read as "no overrides".
	if (retry !== undefined && !isObject(retry)) {
		throw invalid('retry', `retry must be an object such as { limit: 3 }; got ${describe(retry)}.`);
	}
	if (schema !== undefined) {
		const standard =
			(typeof schema === 'object' || typeof schema === 'function') && schema !== null
				? (schema as { '~standard'?: { validate?: unknown } })['~standard']
				: undefined;
		if (typeof standard?.validate !== 'function') {
			throw invalid(
				'schema',
				'schema must be a Standard Schema (zod, valibot, arktype, ...): an object with a "~standard" property whose validate is a function.',
			);
		}
	}
}

/** The options argument of a client method (`what` names it) is an object, or InvalidRequestError (field `options`). */
function checkOptionsObject(options: unknown, what: string): asserts options is Record<string, unknown> {
	if (!isObject(options)) {
		throw invalid('options', `The ${what} options must be an object; got ${describe(options)}.`);
	}
}

/**
Checks one call of `client.request()` and friends; returns its upper-case method. Headers are checked where they are
merged (`mergeHeaders`), the key against the dialect once the request is prepared.
*/
export function checkCall(method: unknown, input: unknown, options: unknown): string {
	const upper = checkMethod(method);
	if (typeof input !== 'string') {
		throw invalid('url', `The path or URL must be a string; got ${describe(input)}.`);
	}
	if (!isObject(options)) {
		throw invalid('options', `The call options must be an object; got ${describe(options)}.`);
	}
	checkSendOptions(options);
	checkRequestParts(upper, options);
	return upper;
}

/** What a call sends besides its method and URL: operation, key, body and query (`upper`: the method, if known). */
function checkRequestParts(upper: string | undefined, options: Record<string, unknown>): void {
	const { operation, key, json, body, searchParams } = options;
	if (operation !== undefined) checkOperation(operation);
	if (key !== undefined) checkKeyValue(key);
	if (
		(upper === 'GET' || upper === 'HEAD') &&
		(json !== undefined || (body !== undefined && body !== null))
	) {
		throw invalid(
			'body',
			`A ${upper} request cannot carry a body (fetch refuses it); send it with POST or PUT.`,
		);
	}
	if (searchParams !== undefined) checkSearchParams(searchParams);
}

/**
Checks the arguments of `resume()`, its `request` included: the method and URL it leaves out are the journaled ones,
already checked when they were first sent (and never a GET or HEAD, which are not journaled).
*/
export function checkResume(operation: unknown, options: unknown): void {
	checkOperation(operation);
	checkOptionsObject(options, 'resume');
	checkSendOptions(options);
	if (options.onExpired !== undefined && typeof options.onExpired !== 'function') {
		throw invalid('onExpired', `onExpired must be a function; got ${describe(options.onExpired)}.`);
	}
	const { request } = options;
	if (request === undefined) return;
	if (!isObject(request)) {
		throw invalid('request', `request must be an object such as { json }; got ${describe(request)}.`);
	}
	const upper = request.method === undefined ? undefined : checkMethod(request.method);
	if (request.url !== undefined && typeof request.url !== 'string') {
		throw invalid('url', `The path or URL must be a string; got ${describe(request.url)}.`);
	}
	checkRequestParts(upper, request);
}

/** Checks the options of `pending()`: the bounds of its journal wait. */
export function checkPending(options: unknown): void {
	checkOptionsObject(options, 'pending');
	checkSendOptions(options);
}

/** Checks the options of `resumeAll()` once for all: a bad one is the caller's mistake, not each operation's failure. */
export function checkResumeAll(options: unknown): void {
	checkOptionsObject(options, 'resumeAll');
	const { concurrency } = options;
	if (concurrency !== undefined && (!Number.isInteger(concurrency) || (concurrency as number) < 1)) {
		throw invalid('concurrency', `concurrency must be a positive integer; got ${String(concurrency)}.`);
	}
	checkSendOptions(options);
}

/**
Checks the arguments of `abandon()` and `resolve()` (`action` names which). Their reason, status and data are checked
against the record they settle, where the error can name its key.
*/
export function checkSettle(operation: unknown, options: unknown, action: 'abandon' | 'resolve'): void {
	checkOptionsObject(options, action);
	if (typeof operation !== 'string' || operation.length === 0) {
		throw invalid('operation', 'operation must be a non-empty string.');
	}
	if (options.force !== undefined && typeof options.force !== 'boolean') {
		throw new InvalidRequestError(`force must be a boolean; got ${typeof options.force}.`, {
			field: 'force',
			operation,
		});
	}
	checkSendOptions(options);
}

/**
The key travels as a header value. A dialect's keyPattern decides what its server accepts, but a pattern of a custom
dialect may let through what fetch cannot send (a line break) or would trim (outer spaces): the server would then see
another key than the one journaled. Never echoed: a key can be guessable enough to matter.
*/
function checkKeyValue(key: unknown): void {
	if (typeof key !== 'string') throw invalid('key', `key must be a string; got ${describe(key)}.`);
	if (!HEADER_VALUE.test(key) || /^[ \t]|[ \t]$/.test(key)) {
		throw invalid(
			'key',
			'The key has a line break, a control character, a character past U+00FF or an outer space, which cannot be sent as a header value.',
		);
	}
}

const isParamValue = (value: unknown): boolean => {
	const type = typeof value;
	return type === 'string' || type === 'number' || type === 'boolean';
};

/** A call's or the client's `searchParams` (`field` names which); an array value repeats its parameter. */
export function checkSearchParams(search: unknown, field = 'searchParams'): void {
	if (search instanceof URLSearchParams) return;
	if (!isObject(search)) {
		throw invalid(field, `${field} must be an object or URLSearchParams; got ${describe(search)}.`);
	}
	for (const [name, value] of Object.entries(search)) {
		if (isParamValue(value) || (Array.isArray(value) && value.every(isParamValue))) continue;
		throw invalid(
			field,
			`${field} "${name}" must be a string, number or boolean, or an array of them (omit it to leave it out); got ${describe(value)}.`,
		);
	}
}
