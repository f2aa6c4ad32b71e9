import { InvalidRequestError } from '../errors/classes.js';
import { TOKEN } from '../utils/headers.js';
import { checkOperation, mustBe } from '../utils/input.js';
import { checkFields, isObject } from './rules.js';

/*
Every check the arguments of a client method get (a call's options, resume's, resumeAll's, pending's, abandon's and
resolve's), in one place, run before operation/ sees them, so before anything is journaled or sent. The rule: whatever
fetch would refuse to build (or undici refuse to send) is refused here first, with the field named. Otherwise fetch
throws a TypeError once the attempt is claimed, and a request that never left the process is reported as a network
error: retried, then "may have been applied".
*/

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

/** A timeout in ms, by the rule the client's and its calls' `timeout` follow (agent/ checks its own with it). */
export const checkTimeout = (timeout: unknown): void => checkFields({ timeout }, ['timeout']);

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
	const { operation, json, body, key } = options;
	if (operation !== undefined) checkOperation(operation);
	if (upper === 'GET' || upper === 'HEAD') {
		if (json !== undefined || (body !== undefined && body !== null)) {
			throw new InvalidRequestError(`A ${upper} request cannot carry a body; send it with POST or PUT.`, {
				field: 'body',
			});
		}
		// A read is safe to repeat, so it is sent without a key: a key given here would be dropped without a word.
		if (key !== undefined) {
			throw new InvalidRequestError(`A ${upper} request carries no Idempotency-Key; leave the key out.`, {
				field: 'key',
			});
		}
	}
	checkFields(options, ['key', 'searchParams']);
}

/**
Checks the arguments of `resume()`, its `request` included: the method and URL it leaves out are the journaled ones,
already checked when they were first sent (and never a GET or HEAD, which are not journaled).
*/
export function checkResume(operation: unknown, options: unknown): void {
	checkOperation(operation);
	checkOptions(options, [...SEND_OPTIONS, 'onExpired', 'force']);
	const { request } = options;
	if (request === undefined) return;
	if (!isObject(request)) throw mustBe('request', 'an object such as { json }', request);
	checkFields(request, ['url']);
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
	if (typeof operation !== 'string' || operation === '') {
		throw mustBe('operation', 'a non-empty string', operation);
	}
	// Named like the settlement's other refusals (its reason, status, data), which operation/ reports with the ids.
	const { force } = options;
	if (force !== undefined && typeof force !== 'boolean') {
		throw new InvalidRequestError(mustBe('force', 'a boolean', force).message, { field: 'force', operation });
	}
	checkFields(options, SEND_OPTIONS);
}
