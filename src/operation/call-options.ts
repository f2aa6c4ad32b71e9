import { InvalidRequestError } from '../errors/classes.js';
import { HEADER_VALUE, TOKEN } from '../utils/headers.js';

/*
Every check a call's inputs get, in one place, run before anything is journaled or sent. The rule: whatever fetch
would refuse to build (or undici refuse to send) is refused here first, with the field named. Otherwise fetch throws
a TypeError once the attempt is claimed, and a request that never left the process is reported as a network error:
retried, then "may have been applied". Checked by hand, not with zod: these run on every call, in the browser too.
*/

/** Methods fetch refuses to send, whatever their case. */
const FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);

/** The longest delay a timer can hold. */
export const MAX_TIMEOUT_MS = 2_147_483_647;

/** The longest operation id a journal is asked to key on. */
export const MAX_OPERATION_LENGTH = 512;

const invalid = (field: string, message: string) => new InvalidRequestError(message, { field });

const isObject = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

/** Whether the value is a real AbortSignal: fetch and AbortSignal.any() check the brand, not the shape. */
export function isAbortSignal(value: unknown): value is AbortSignal {
	if (typeof value !== 'object' || value === null || typeof AbortSignal === 'undefined') return false;
	const aborted = Object.getOwnPropertyDescriptor(AbortSignal.prototype, 'aborted')?.get;
	try {
		aborted?.call(value);
		return aborted !== undefined;
	} catch {
		return false;
	}
}

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

/** An operation id given by the caller or derived from the key. */
export function checkOperation(operation: unknown): void {
	if (typeof operation !== 'string' || operation.length === 0 || operation.length > MAX_OPERATION_LENGTH) {
		throw invalid(
			'operation',
			`The operation id must be a non-empty string of at most ${MAX_OPERATION_LENGTH} characters; got ${describe(operation)}.`,
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
export function checkOptionsObject(
	options: unknown,
	what: string,
): asserts options is Record<string, unknown> {
	if (!isObject(options)) {
		throw invalid('options', `The ${what} options must be an object; got ${describe(options)}.`);
	}
}

/** Checks the arguments of `resume()` (its `request`, if any, is checked as a call when it is sent). */
export function checkResume(operation: unknown, options: unknown): void {
	checkOperation(operation);
	checkOptionsObject(options, 'resume');
	checkSendOptions(options);
	if (options.onExpired !== undefined && typeof options.onExpired !== 'function') {
		throw invalid('onExpired', `onExpired must be a function; got ${describe(options.onExpired)}.`);
	}
}

/**
Checks one call of `client.request()` and friends; resolves to its upper-case method. Headers are checked where they
are merged (`mergeHeaders`), the key against the dialect once the request is prepared.
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
	return upper;
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

function checkSearchParams(search: unknown): void {
	if (search instanceof URLSearchParams) return;
	if (!isObject(search)) {
		throw invalid(
			'searchParams',
			`searchParams must be an object or URLSearchParams; got ${describe(search)}.`,
		);
	}
	for (const [name, value] of Object.entries(search)) {
		const type = typeof value;
		if (type !== 'string' && type !== 'number' && type !== 'boolean') {
			throw invalid(
				'searchParams',
				`searchParams "${name}" must be a string, number or boolean (omit it to leave it out); got ${describe(value)}.`,
			);
		}
	}
}

/** A value named for an error message without repeating it: it may be a secret. */
export function describe(value: unknown): string {
	if (value === null) return 'null';
	if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
	if (typeof value === 'string') return `a string of ${value.length} characters`;
	if (Array.isArray(value)) return 'an array';
	if (typeof value === 'object') return value.constructor?.name ? `a ${value.constructor.name}` : 'an object';
	return typeof value === 'undefined' ? 'undefined' : `a ${typeof value}`;
}
