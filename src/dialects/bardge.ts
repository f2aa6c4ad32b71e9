import { buildDialect } from './build.js';

/** Bardge booking API: 90 s retention; concurrent duplicates block server-side; cancel takes no key. */
export const bardge = buildDialect({
	name: 'bardge',
	retentionMs: 90_000,
	replayHeaders: [{ name: 'X-Idempotent-Replayed', value: 'true' }],
	replayAbsent: false,
	keyless: [/\/bookings\/[^/]+\/cancel\/?$/],
	keyReused: [{ status: 409, codes: ['idempotency_key_reused', 'idempotency_error'] }],
	alreadyApplied: [{ status: 409, codes: ['already_cancelled'] }],
});
