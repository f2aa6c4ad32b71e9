import { common, HOUR, IETF_DOCS, never, PROBLEMS, problem, WRITES } from './answers.js';
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
