import { defineDialect, IN_PROGRESS_CODES, KEY_MISSING_CODES, KEY_REUSE_CODES } from './define.js';
import type { Dialect } from './types.js';

const HOUR = 3_600_000;

/**
draft-ietf-httpapi-idempotency-key-header, and the safe default for servers that match no profile: 409 in progress, 422 key reused, 400 key missing (both recognised by their problem body, so a plain validation 422 stays a rejection); replays reported from any known replay header.
*/
export const ietf: Dialect = defineDialect({
	name: 'ietf',
	inProgress: [{ status: 409, codes: IN_PROGRESS_CODES }],
	keyReused: [
		{ status: 422, codes: KEY_REUSE_CODES, text: /idempotency.?key.{0,80}(already used|reused|different)/i },
	],
	keyMissing: [{ status: 400, codes: KEY_MISSING_CODES, text: /idempotency.?key.{0,40}(missing|required)/i }],
});

/** Stripe: keys on POST, 24 h retention, `Idempotent-Replayed`, stored errors replayed too. */
export const stripe: Dialect = defineDialect({
	name: 'stripe',
	keyedMethods: ['POST'],
	retentionMs: 24 * HOUR,
	replayHeaders: [{ name: 'Idempotent-Replayed', value: 'true' }],
	replayAbsent: false,
	cachesErrors: true,
	inProgress: [{ status: 409, codes: ['idempotency_key_in_use'] }],
	keyReused: [{ status: 400, codes: ['idempotency_error'] }],
});

/** Bardge booking API: 90 s retention; concurrent duplicates block server-side; cancel takes no key. */
export const bardge: Dialect = defineDialect({
	name: 'bardge',
	retentionMs: 90_000,
	replayHeaders: [{ name: 'X-Idempotent-Replayed', value: 'true' }],
	replayAbsent: false,
	keyless: [/\/bookings\/[^/]+\/cancel\/?$/],
	keyReused: [{ status: 409, codes: ['idempotency_key_reused', 'idempotency_error'] }],
	alreadyApplied: [{ status: 409, codes: ['already_cancelled'] }],
});

/** 42min: 24 h per (account, key), canonical-JSON fingerprint, only successes cached, no replay header. */
export const fortyTwoMin: Dialect = defineDialect({
	name: '42min',
	retentionMs: 24 * HOUR,
	replayHeaders: [],
	replayAbsent: undefined,
	inProgress: [{ status: 409, codes: ['idempotency_in_progress'] }],
	keyReused: [{ status: 409, codes: ['idempotency_key_conflict'] }],
	keyMissing: [{ status: 400, codes: ['missing_idempotency_key'] }],
});

/** Repull: 24 h per workspace, `Idempotency-Status: cached`, keys on POST/PUT/PATCH only. */
export const repull: Dialect = defineDialect({
	name: 'repull',
	keyedMethods: ['POST', 'PUT', 'PATCH'],
	retentionMs: 24 * HOUR,
	replayHeaders: [{ name: 'Idempotency-Status', value: 'cached' }],
	replayAbsent: false,
});

/** Management-API style: every non-GET write keyed; a 409 problem body means the key matched another request. */
export const problem: Dialect = defineDialect({
	name: 'problem',
	replayHeaders: [],
	keyReused: [{ status: 409 }],
});

export const dialects: Readonly<Record<string, Dialect>> = Object.freeze({
	ietf,
	stripe,
	bardge,
	'42min': fortyTwoMin,
	repull,
	problem,
});
