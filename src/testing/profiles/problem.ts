import { common, HOUR, never, PROBLEMS, problem, WRITES } from './answers.js';
import type { ServerProfile } from './types.js';

export const problemProfile: ServerProfile = {
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
