import { buildDialect } from './build.js';

/** Stripe: keys on POST, 24 h retention, `Idempotent-Replayed`, stored errors replayed too. */
export const stripe = buildDialect({
	name: 'stripe',
	keyedMethods: ['POST'],
	retentionMs: 24 * 3_600_000,
	replayHeaders: [{ name: 'Idempotent-Replayed', value: 'true' }],
	replayAbsent: false,
	cachesErrors: true,
	inProgress: [{ status: 409, codes: ['idempotency_key_in_use'] }],
	keyReused: [{ status: 400, codes: ['idempotency_error'] }],
});
