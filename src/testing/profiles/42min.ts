import { common, HOUR, json, never, WRITES } from './answers.js';
import type { ServerProfile } from './types.js';

const fortyTwoMinError = (status: number, code: string, message: string, headers?: Record<string, string>) =>
	json(status, { error: { code, message } }, headers);

export const fortyTwoMinProfile: ServerProfile = {
	name: '42min',
	keyHeader: 'Idempotency-Key',
	keyedMethods: WRITES,
	keyless: never,
	keyMaxLength: 255,
	retentionMs: 24 * HOUR,
	replayHeader: undefined,
	cachesErrors: false,
	fingerprint: 'canonical-json',
	scopeHeader: 'Authorization',
	answers: {
		...common,
		inProgress: fortyTwoMinError(
			409,
			'idempotency_in_progress',
			'A request with this Idempotency-Key is in progress.',
			{ 'retry-after': '1' },
		),
		mismatch: fortyTwoMinError(
			409,
			'idempotency_key_conflict',
			'This Idempotency-Key was used with a different request body.',
		),
		missingKey: fortyTwoMinError(
			400,
			'missing_idempotency_key',
			'This endpoint requires an Idempotency-Key.',
		),
		invalidKey: fortyTwoMinError(400, 'invalid_idempotency_key', 'Keys are at most 255 characters.'),
	},
};
