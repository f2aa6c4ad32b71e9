import type { ScriptedAnswer } from '../faults/types.js';

/** The answers a server gives, as data. */
export type ProfileAnswers = {
	/** "A request with this key is still being processed"; `undefined`: the server blocks the duplicate instead. */
	readonly inProgress: ScriptedAnswer | undefined;
	/** Same key, different request. */
	readonly mismatch: ScriptedAnswer;
	/** A keyed endpoint called without a key; `undefined`: the key is optional (the request is processed unkeyed). */
	readonly missingKey: ScriptedAnswer | undefined;
	/** A key longer than `keyMaxLength`. */
	readonly invalidKey: ScriptedAnswer;
	readonly notFound: ScriptedAnswer;
	/** Cancelling a booking that is already cancelled. */
	readonly alreadyCancelled: ScriptedAnswer;
	/** A body that is not a JSON object where one is required (never stored under the key). */
	readonly invalidBody: ScriptedAnswer;
	/** The `'500'` fault. */
	readonly serverError: ScriptedAnswer;
	/** The `'503-before'` and `'503-after'` faults. */
	readonly unavailable: ScriptedAnswer;
	/** The `'429'` fault. */
	readonly rateLimited: ScriptedAnswer;
};

/**
How one API's server treats Idempotency-Keys. Written from each API's documentation (DESIGN §4), independently of
the client's dialect catalog, so a wrong catalog entry shows up as a failing test.
*/
export type ServerProfile = {
	readonly name: string;
	readonly keyHeader: string;
	/** Methods the server reads a key on; on other methods a key is ignored. */
	readonly keyedMethods: readonly string[];
	/** Endpoints that ignore keys even on a keyed method (`path` is the URL path, e.g. `/v1/bookings/b1/cancel`). */
	readonly keyless: (method: string, path: string) => boolean;
	readonly keyMaxLength: number;
	/** How long a key is remembered, in ms of `state.now()`. */
	readonly retentionMs: number;
	/** Header and value added to replayed answers; `undefined`: replays look like first answers. */
	readonly replayHeader: readonly [name: string, value: string] | undefined;
	/** Error answers (4xx/5xx) are stored and replayed too; otherwise only 2xx are, and an error frees the key. */
	readonly cachesErrors: boolean;
	/**
	What must match for a retry to count as the same request (always with method and path): the exact body bytes,
	or the body's canonical JSON (key order and whitespace do not matter).
	*/
	readonly fingerprint: 'bytes' | 'canonical-json';
	/** Request header whose value scopes keys (account, workspace); `undefined`: keys are global. */
	readonly scopeHeader: string | undefined;
	readonly answers: ProfileAnswers;
};

/** Overrides of a server profile; `answers` are merged one by one. */
export type ProfileOverrides = Partial<Omit<ServerProfile, 'answers'>> & {
	answers?: Partial<ProfileAnswers>;
};
