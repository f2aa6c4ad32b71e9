import { common, HOUR, json, never } from './answers.js';
import type { ServerProfile } from './types.js';

export const repullProfile: ServerProfile = {
	name: 'repull',
	keyHeader: 'Idempotency-Key',
	keyedMethods: ['POST', 'PUT', 'PATCH'],
	keyless: never,
	keyMaxLength: 255,
	retentionMs: 24 * HOUR,
	replayHeader: ['Idempotency-Status', 'cached'],
	cachesErrors: false,
	fingerprint: 'bytes',
	scopeHeader: 'Authorization',
	answers: {
		...common,
		// Not documented: this emulation blocks duplicates and refuses reuse with the generic code.
		inProgress: undefined,
		mismatch: json(409, {
			error: {
				code: 'idempotency_key_reused',
				message: 'This Idempotency-Key was used with a different request.',
			},
		}),
		missingKey: undefined,
		invalidKey: json(400, {
			error: { code: 'invalid_idempotency_key', message: 'Keys are at most 255 characters.' },
		}),
	},
};
