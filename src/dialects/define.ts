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

/**
Builds a dialect from the facts that differ from the safe default. Every omitted field takes the default (IETF draft behaviour).
*/
export function defineDialect(init: DialectInit): Dialect {
	const { keyless, ...rest } = init;
	const keylessFn: Dialect['keyless'] =
		typeof keyless === 'function'
			? keyless
			: keyless === undefined || keyless.length === 0
				? () => false
				: (_method, path) => keyless.some((pattern) => pattern.test(path));
	return Object.freeze({
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
	});
}
