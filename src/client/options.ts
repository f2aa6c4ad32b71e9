import { InvalidRequestError } from '../errors/classes.js';
import { describe } from '../utils/input.js';
import { checkSearchParams, checkTimeout } from './call-options.js';

/*
The client's options, checked by hand (the browser bundle carries no zod) for what would otherwise fail late and
obscurely. Objects (journal, dialect) are duck-typed; dialect, headers and retry numbers are checked where they are
used (resolveDialect, mergeHeaders, resolvePolicy say more than a generic check would). Unknown names are refused: a
misspelt option (ky's `prefixUrl`, `baseURL`, `header`) would otherwise be dropped without a word, and the client
would run without the base URL, the headers or the retry budget its author meant to give it.
*/

const JOURNAL_METHODS = ['create', 'get', 'compareAndSet', 'listUnfinished', 'collectGarbage'];

type Check = (value: unknown, name: string) => string | undefined;

const isObject = (value: unknown): boolean =>
	typeof value === 'object' && value !== null && !Array.isArray(value);
const expected = (what: string, value: unknown) => `expected ${what}; got ${describe(value)}`;
const func: Check = (value) => (typeof value === 'function' ? undefined : expected('a function', value));
const bytes: Check = (value) =>
	Number.isInteger(value) && (value as number) >= 0 ? undefined : expected('a whole number from 0', value);
const unchecked: Check = () => undefined;

/** Each option's check, in the order they are reported: undefined when the value is fine, else why not. */
const CHECKS: Record<string, Check> = {
	// Checked where they are used, with messages of their own.
	dialect: unchecked,
	timeout: unchecked,
	headers: unchecked,
	searchParams: unchecked,
	baseUrl: (value) =>
		typeof value === 'string' || value instanceof URL ? undefined : expected('a string or a URL', value),
	scope: (value) =>
		typeof value === 'string' && value.length >= 1 && value.length <= 200
			? undefined
			: expected('a string of 1 to 200 characters', value),
	journalHeaders: (value) =>
		Array.isArray(value) && value.every((name) => typeof name === 'string')
			? undefined
			: expected('an array of header names', value),
	storeBodies: (value) => (typeof value === 'boolean' ? undefined : expected('a boolean', value)),
	maxStoredBodyBytes: bytes,
	maxResponseBytes: bytes,
	keepFinishedMs: (value) =>
		typeof value === 'number' && Number.isFinite(value) && value >= 0
			? undefined
			: expected('a number of milliseconds from 0', value),
	retry: (value) =>
		isObject(value) ? undefined : `retry must be an object such as { limit: 3 }; got ${describe(value)}`,
	onEvent: func,
	onExpired: func,
	beforeAttempt: func,
	fetch: func,
	journal: (value) =>
		isObject(value) &&
		JOURNAL_METHODS.every((method) => typeof (value as Record<string, unknown>)[method] === 'function')
			? undefined
			: `journal must implement ${JOURNAL_METHODS.slice(0, -1).join(', ')} and collectGarbage`,
};

/** Options of other clients that people carry over, and the name idemkey gives each. */
const ALIASES: Record<string, string> = { prefixUrl: 'baseUrl', prefix: 'baseUrl', baseURL: 'baseUrl' };

/** Throws InvalidRequestError naming the first bad client option (`field`: the option's name). */
export function assertClientOptions(options: unknown): void {
	if (options === undefined) return;
	if (!isObject(options)) {
		throw new InvalidRequestError('The client options must be an object, as in createClient({ baseUrl }).', {
			field: 'options',
		});
	}
	const given = options as Record<string, unknown>;
	// First, so that the client's timeout and a call's are refused alike (NaN, 0, negative, Infinity, fractions).
	checkTimeout(given.timeout);
	if (given.searchParams !== undefined) checkSearchParams(given.searchParams);
	for (const [name, check] of Object.entries(CHECKS)) {
		const value = given[name];
		const why = value === undefined ? undefined : check(value, name);
		if (why !== undefined) {
			throw new InvalidRequestError(`Invalid client option "${name}": ${why}.`, { field: name });
		}
	}
	const unknown = Object.keys(given).filter((name) => !Object.hasOwn(CHECKS, name));
	if (unknown.length > 0) {
		const named = unknown.map((name) => `"${name}"${hint(name)}`).join(', ');
		throw new InvalidRequestError(`Invalid client options: unknown option ${named} (misspelt?).`, {
			field: 'options',
		});
	}
}

/** " (did you mean baseUrl?)" for a name close to a known one: another client's name for it, or another case. */
function hint(name: string): string {
	const lower = name.toLowerCase();
	const known =
		(Object.hasOwn(ALIASES, name) ? ALIASES[name] : undefined) ??
		Object.keys(CHECKS).find(
			(option) => option.toLowerCase() === lower || option.toLowerCase() === `${lower}s`,
		);
	return known === undefined ? '' : ` (did you mean ${known}?)`;
}
