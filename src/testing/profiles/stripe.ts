import type { ScriptedAnswer } from '../faults/types.js';
import { common, HOUR, json, never } from './answers.js';
import type { ServerProfile } from './types.js';

const stripeError = (status: number, error: Record<string, string>): ScriptedAnswer =>
	json(status, { error });

export const stripeProfile: ServerProfile = {
	name: 'stripe',
	keyHeader: 'Idempotency-Key',
	keyedMethods: ['POST'],
	keyless: never,
	keyMaxLength: 255,
	retentionMs: 24 * HOUR,
	replayHeader: ['Idempotent-Replayed', 'true'],
	cachesErrors: true,
	// Stripe compares the parameters, not their order.
	fingerprint: 'canonical-json',
	scopeHeader: 'Authorization',
	answers: {
		...common,
		inProgress: stripeError(409, {
			type: 'invalid_request_error',
			code: 'idempotency_key_in_use',
			message:
				'There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through).',
		}),
		mismatch: stripeError(400, {
			type: 'idempotency_error',
			message:
				'Keys for idempotent requests can only be used with the same parameters they were first used with.',
		}),
		missingKey: undefined,
		invalidKey: stripeError(400, {
			type: 'invalid_request_error',
			message: 'Invalid idempotency key: keys must be 255 characters or fewer.',
		}),
		notFound: stripeError(404, {
			type: 'invalid_request_error',
			code: 'resource_missing',
			message: 'No such booking.',
		}),
		alreadyCancelled: stripeError(400, {
			type: 'invalid_request_error',
			code: 'already_cancelled',
			message: 'The booking is already cancelled.',
		}),
		invalidBody: stripeError(400, {
			type: 'invalid_request_error',
			code: 'parameter_invalid',
			message: 'The body must be a JSON object.',
		}),
		serverError: stripeError(500, { type: 'api_error', message: 'An unknown error occurred.' }),
	},
};
