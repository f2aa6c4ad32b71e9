import { buildDialect } from './build.js';

/** Repull: 24 h per workspace, `Idempotency-Status: cached`, keys on POST/PUT/PATCH only. */
export const repull = buildDialect({
	name: 'repull',
	keyedMethods: ['POST', 'PUT', 'PATCH'],
	retentionMs: 24 * 3_600_000,
	replayHeaders: [{ name: 'Idempotency-Status', value: 'cached' }],
	replayAbsent: false,
});
