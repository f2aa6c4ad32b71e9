import { KNOWN_REPLAY_HEADERS } from './fallback.js';
import type { Dialect } from './types.js';

// Visible ASCII minus quote, comma, semicolon and backslash: a raw header token no proxy will mangle.
export const SAFE_KEY_PATTERN = /^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]+$/;

export type DialectInit = Partial<Omit<Dialect, 'name' | 'keyless'>> & {
	name: string;
	/** Either a predicate or a list of path patterns that take no key. */
	keyless?: Dialect['keyless'] | readonly RegExp[];
};

// A registered symbol rather than a WeakSet, so that the ESM and CommonJS copies of the package recognise each
// other's dialects. Not enumerable: a spread copy (`{ ...stripe, keyHeader }`) is not a checked dialect and loses it.
const BRAND = Symbol.for('idemkey.dialect');

/** Whether `value` is a built-in dialect or was made by `defineDialect()` (and so is well formed). */
export const isDialect = (value: unknown): value is Dialect =>
	typeof value === 'object' && value !== null && Object.hasOwn(value, BRAND);

/** What every dialect is unless it says otherwise: IETF draft behaviour. */
const DEFAULTS: Omit<Dialect, 'name' | 'keyless'> = {
	keyHeader: 'Idempotency-Key',
	keyedMethods: ['POST', 'PUT', 'PATCH', 'DELETE'],
	keyMaxLength: 255,
	keyPattern: SAFE_KEY_PATTERN,
	retentionMs: undefined,
	replayHeaders: KNOWN_REPLAY_HEADERS,
	replayAbsent: undefined,
	cachesErrors: false,
	inProgress: [],
	keyReused: [],
	keyMissing: [],
	alreadyApplied: [],
};

/**
A dialect from facts already known to be well formed: the built-in dialects, and `defineDialect` once it has checked
the user's. Kept apart from the checks so that a bundle naming only built-in dialects carries none of them
(test/dialects/define.test.ts holds every built-in one to the same checks).
*/
export function buildDialect(init: DialectInit): Dialect {
	const { keyless = [], ...rest } = init;
	const dialect: Dialect = {
		...DEFAULTS,
		...rest,
		keyless:
			typeof keyless === 'function'
				? keyless
				: (_method, path) => keyless.some((pattern) => pattern.test(path)),
	};
	Object.defineProperty(dialect, BRAND, { value: true });
	return Object.freeze(dialect);
}
