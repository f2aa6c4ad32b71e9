// The server behaviour of every built-in dialect, written from each API's documentation (DESIGN §4).
import type { DialectName } from '../../dialects/types.js';
import type { ScriptedAnswer } from '../faults/types.js';
import { common, HOUR, IETF_DOCS, json, never, PROBLEMS, problem, WRITES } from './answers.js';
import type { ServerProfile } from './types.js';

export const ietfProfile: ServerProfile = {
	name: 'ietf',
	keyHeader: 'Idempotency-Key',
	keyedMethods: WRITES,
	keyless: never,
	keyMaxLength: 255,
	// The draft leaves retention to the server's documentation; this server documents 24 h.
	retentionMs: 24 * HOUR,
	replayHeader: undefined,
	cachesErrors: false,
	fingerprint: 'bytes',
	scopeHeader: undefined,
	answers: {
		...common,
		// The draft's own examples (section "Error Scenarios").
		inProgress: problem(
			409,
			IETF_DOCS,
			'A request is outstanding for this Idempotency-Key',
			'A request with the same Idempotency-Key for the same operation is being processed or is outstanding.',
		),
		mismatch: problem(
			422,
			IETF_DOCS,
			'Idempotency-Key is already used for a different request payload',
			'This operation is idempotent and it requires correct usage of Idempotency Key. Idempotency Key MUST not be reused across different payloads of this operation.',
		),
		missingKey: problem(
			400,
			IETF_DOCS,
			'Idempotency-Key is missing',
			'This operation is idempotent and it requires correct usage of Idempotency Key.',
		),
		invalidKey: problem(
			400,
			IETF_DOCS,
			'Idempotency-Key is invalid',
			'The key is longer than 255 characters.',
		),
		notFound: problem(404, `${PROBLEMS}/not-found`, 'Booking not found', 'No such booking.'),
		alreadyCancelled: problem(
			409,
			`${PROBLEMS}/already-cancelled`,
			'Booking already cancelled',
			'The booking was cancelled before.',
		),
		invalidBody: problem(
			422,
			`${PROBLEMS}/validation`,
			'Validation failed',
			'The body must be a JSON object.',
		),
	},
};

const stripeError = (status: number, error: Record<string, string>): ScriptedAnswer =>
	json(status, { error });

const stripeProfile: ServerProfile = {
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

const bardgeProfile: ServerProfile = {
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

const fortyTwoMinError = (status: number, code: string, message: string, headers?: Record<string, string>) =>
	json(status, { error: { code, message } }, headers);

const fortyTwoMinProfile: ServerProfile = {
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

const repullProfile: ServerProfile = {
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

const problemProfile: ServerProfile = {
	name: 'problem',
	keyHeader: 'Idempotency-Key',
	keyedMethods: WRITES,
	keyless: never,
	keyMaxLength: 255,
	// Not documented: this emulation keeps keys 24 h.
	retentionMs: 24 * HOUR,
	replayHeader: undefined,
	cachesErrors: false,
	// Method, path, body and key must all match.
	fingerprint: 'bytes',
	scopeHeader: undefined,
	answers: {
		...common,
		inProgress: undefined,
		// A generic problem: `about:blank` and the status phrase; only the status says what happened.
		mismatch: problem(
			409,
			'about:blank',
			'Conflict',
			'The Idempotency-Key was already used for a request with another method, path or body.',
		),
		missingKey: undefined,
		invalidKey: problem(400, `${PROBLEMS}/invalid-idempotency-key`, 'Invalid idempotency key', 'Too long.'),
		notFound: problem(404, `${PROBLEMS}/not-found`, 'Not found', 'No such booking.'),
		alreadyCancelled: problem(409, `${PROBLEMS}/already-cancelled`, 'Already cancelled', 'Cancelled before.'),
		invalidBody: problem(
			422,
			`${PROBLEMS}/validation`,
			'Validation failed',
			'The body must be a JSON object.',
		),
	},
};

/** The server behaviour of every built-in dialect. */
export const serverProfiles: Readonly<Record<DialectName, ServerProfile>> = Object.freeze({
	ietf: ietfProfile,
	stripe: stripeProfile,
	bardge: bardgeProfile,
	'42min': fortyTwoMinProfile,
	repull: repullProfile,
	problem: problemProfile,
});
