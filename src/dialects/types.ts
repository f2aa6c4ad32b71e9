/** A status (and optionally a body error code or text) that means one thing in a dialect. */
export type AnswerRule = {
	readonly status: number;
	/** Error codes, matched against every code-like field of the body. Omitted: any body matches. */
	readonly codes?: readonly string[];
	/** Matched against the body text when no code matched (for problem+json titles and free-form messages). */
	readonly text?: RegExp;
};

/** A replay header and the value that means "replayed" (compared case-insensitively). */
export type ReplayHeader = { readonly name: string; readonly value: string };

/**
An API's idempotency behaviour, as data. Build one with `defineDialect()`, which checks it: `createClient` refuses a
dialect object made any other way (a spread copy `{ ...stripe }` too; pass it through `defineDialect` instead).
*/
export type Dialect = {
	readonly name: string;
	/**
	Request header that carries the key.
	@default 'Idempotency-Key'
	*/
	readonly keyHeader: string;
	/** Upper-case methods that carry a key. GET and HEAD never do. */
	readonly keyedMethods: readonly string[];
	/** Endpoints that take no key even for a keyed method (path without query). */
	readonly keyless: (method: string, path: string) => boolean;
	/** Longest key the server accepts. */
	readonly keyMaxLength: number;
	/** Characters the server accepts in a key. */
	readonly keyPattern: RegExp;
	/** How long the server remembers a key, in ms; `undefined` when the server does not document it. */
	readonly retentionMs: number | undefined;
	/** Headers whose presence with the given value marks a server replay. */
	readonly replayHeaders: readonly ReplayHeader[];
	/**
	What `replayed` is when none of `replayHeaders` is present: `false` when the server always signals replays, `undefined` when it gives no signal.
	*/
	readonly replayAbsent: false | undefined;
	/** The server stores and replays error answers too (a replayed 5xx will not change on retry). */
	readonly cachesErrors: boolean;
	/** Answers meaning "a request with this key is still being processed". Retried under the in-progress budget. */
	readonly inProgress: readonly AnswerRule[];
	/** Answers meaning "this key was used for a different request". */
	readonly keyReused: readonly AnswerRule[];
	/** Answers meaning "this endpoint requires a key". */
	readonly keyMissing: readonly AnswerRule[];
	/**
	Answers that mean "already done": after an earlier attempt of the same operation whose outcome was unknown, they confirm that attempt landed and resolve as success; on a first attempt they are a rejection.
	*/
	readonly alreadyApplied: readonly AnswerRule[];
};

// Derived from the catalogue, so that adding a dialect cannot leave the name list behind. Type-only: no runtime edge.
export type { DialectName } from './catalog.js';
