// docs/dialects/custom.md: an API that matches no built-in dialect.
import { createClient, defineDialect } from 'idemkey';

const DAY = 86_400_000;

/** Acme Payments, from its documentation. */
export const acme = defineDialect({
	name: 'acme',
	keyHeader: 'Acme-Idempotency-Key',
	keyedMethods: ['POST'],
	keyMaxLength: 64,
	keyPattern: /^[A-Za-z0-9-]+$/,
	retentionMs: 7 * DAY,
	replayHeaders: [{ name: 'Acme-Replayed', value: 'true' }],
	replayAbsent: false,
	inProgress: [{ status: 409, codes: ['request_pending'] }],
	keyReused: [{ status: 422, codes: ['idempotency_key_mismatch'] }],
	keyMissing: [{ status: 428 }],
	keyless: [/\/payments\/[^/]+\/void$/],
	alreadyApplied: [{ status: 409, codes: ['already_voided'] }],
});

export const api = createClient({ baseUrl: 'https://api.acme.example/v2/', dialect: acme });
