import type { AnswerRule, ReplayHeader } from './types.js';

/**
A rule of the fallback: a dialect's `AnswerRule`, except that `status: '4xx'` is any client error but 429 (rate
limiting, whatever its body says), and a `bare` rule also matches a body that names no code at all.
*/
export type FallbackRule = Omit<AnswerRule, 'status'> & {
	readonly status: number | '4xx';
	readonly bare?: true;
};

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

// The IETF draft's own 409 ("A request is outstanding for this Idempotency-Key") is a problem body whose `type` names
// no in-progress code, so its words are the only signal; without this it would read as a business conflict.
const IN_PROGRESS_TEXT =
	/idempotency.?key.{0,80}(outstanding|in.?progress|being processed)|(outstanding|in.?progress|being processed).{0,80}idempotency.?key/i;

/**
What any server's answer means when the configured dialect's own rules did not say, read by `classify` after them.
A well-known idempotency code means what it says whichever dialect is configured (the default dialect talking to a
Stripe-like server must still report a reused key as such). A bare 409 is the IETF draft's "request outstanding";
a 409 naming any other code is a business conflict, a definite answer like every other unmatched 4xx.
*/
export const FALLBACK: {
	readonly keyReused: readonly FallbackRule[];
	readonly keyMissing: readonly FallbackRule[];
	readonly inProgress: readonly FallbackRule[];
} = {
	keyReused: [{ status: '4xx', codes: KEY_REUSE_CODES }],
	keyMissing: [{ status: '4xx', codes: KEY_MISSING_CODES }],
	inProgress: [{ status: 409, codes: IN_PROGRESS_CODES, text: IN_PROGRESS_TEXT, bare: true }],
};
