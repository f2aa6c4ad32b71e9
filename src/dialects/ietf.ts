import { buildDialect } from './build.js';
import { IN_PROGRESS_CODES, KEY_MISSING_CODES, KEY_REUSE_CODES } from './fallback.js';

/**
draft-ietf-httpapi-idempotency-key-header, and the safe default for servers that match no profile: 409 in progress, 422 key reused, 400 key missing (both recognised by their problem body, so a plain validation 422 stays a rejection); replays reported from any known replay header.
*/
export const ietf = buildDialect({
	name: 'ietf',
	inProgress: [{ status: 409, codes: IN_PROGRESS_CODES }],
	keyReused: [
		{ status: 422, codes: KEY_REUSE_CODES, text: /idempotency.?key.{0,80}(already used|reused|different)/i },
	],
	keyMissing: [{ status: 400, codes: KEY_MISSING_CODES, text: /idempotency.?key.{0,40}(missing|required)/i }],
});
