import { common, json, WRITES } from './answers.js';
import type { ServerProfile } from './types.js';

export const bardgeProfile: ServerProfile = {
	name: 'bardge',
	keyHeader: 'Idempotency-Key',
	keyedMethods: WRITES,
	keyless: (method, path) => method === 'POST' && /\/bookings\/[^/]+\/cancel$/.test(path),
	keyMaxLength: 255,
	retentionMs: 90_000,
	replayHeader: ['X-Idempotent-Replayed', 'true'],
	cachesErrors: false,
	fingerprint: 'bytes',
	scopeHeader: undefined,
	answers: {
		...common,
		inProgress: undefined,
		mismatch: json(409, {
			error: 'idempotency_error',
			code: 'idempotency_key_reused',
			message: 'This Idempotency-Key was used with a different request.',
		}),
		missingKey: undefined,
		invalidKey: json(400, { error: 'invalid_idempotency_key', message: 'Keys are at most 255 characters.' }),
		notFound: json(404, { error: 'not_found', message: 'No such booking.' }),
		alreadyCancelled: json(409, { error: 'already_cancelled', message: 'The booking is already cancelled.' }),
	},
};
