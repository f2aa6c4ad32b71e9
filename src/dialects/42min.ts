import { buildDialect } from './build.js';

/** 42min: 24 h per (account, key), canonical-JSON fingerprint, only successes cached, no replay header. */
export const fortyTwoMin = buildDialect({
	name: '42min',
	retentionMs: 24 * 3_600_000,
	replayHeaders: [],
	inProgress: [{ status: 409, codes: ['idempotency_in_progress'] }],
	keyReused: [{ status: 409, codes: ['idempotency_key_conflict'] }],
	keyMissing: [{ status: 400, codes: ['missing_idempotency_key'] }],
});
