import type { Dialect, DialectName } from '../dialects/types.js';
import type { IdempotencyError } from '../errors/base.js';
import type {
	InProgressError,
	InvalidRequestError,
	JournalError,
	KeyExpiredError,
	KeyMissingError,
	KeyReuseError,
	OperationAbandonedError,
	OutcomeUnknownError,
	RequestRejectedError,
	ResponseValidationError,
} from '../errors/classes.js';
import type { Journal } from '../journal/journal.js';
import type { JournalRecord } from '../journal/record.js';
import type { RetryPolicy } from '../retry/policy.js';
import type { StandardSchemaV1 } from '../types/standard-schema.js';

export type HeadersInit = Headers | Record<string, string | undefined> | [string, string][];

/**
One frozen object per event. What `onEvent` throws, and the rejection of a promise it returns (an `async` hook), is
ignored: logging can break neither a call nor the process.
*/
export type IdemEvent =
	| (EventBase & { readonly type: 'attempt' })
	| (EventBase & {
			readonly type: 'retry';
			/** `not_sent`: the attempt failed before a connection existed (refused, DNS, TLS), so nothing left. */
			readonly reason: 'network' | 'timeout' | 'server_error' | 'rate_limited' | 'not_sent' | 'in_progress';
			readonly delayMs: number;
			readonly status: number | undefined;
	  })
	| (EventBase & { readonly type: 'replay'; readonly source: 'server' | 'journal' })
	| (EventBase & { readonly type: 'conflict'; readonly source: 'server' | 'journal' })
	| (EventBase & { readonly type: 'give-up'; readonly error: IdempotencyError });

export type EventBase = {
	readonly operation: string;
	readonly key: string | undefined;
	readonly method: string;
	readonly url: string;
	/** Attempts started so far in this call. */
	readonly attempt: number;
};

export type ClientOptions = {
	/**
	The API's base URL: an absolute http(s) URL without credentials, query or fragment (each refused at `createClient`).
	Its path is kept whether or not it ends in `/` (`https://api.example.com/v1` is read as `.../v1/`), and every call's
	path extends it, with or without a leading `/`. Calls stay on its origin: a call naming another origin (an absolute
	URL, `//host/...`) is refused before anything is journaled or sent, because the client's headers go with every call.
	Without it, every call names an absolute http(s) URL, and the client's headers go wherever that URL points.
	*/
	baseUrl?: string | URL;
	/**
	The API's idempotency behaviour: a built-in dialect name or a `Dialect` from `defineDialect()` (other objects, spread
	copies of a built-in dialect included, are refused: `defineDialect` checks what it builds).
	@default 'ietf'
	*/
	dialect?: DialectName | Dialect;
	/**
	Where operation records (keys, state, outcomes) live.
	@default new MemoryJournal()
	*/
	journal?: Journal;
	/**
	Namespace of this client's journal records: account, workspace, tenant. Two scopes never share an operation.
	@default 'default'
	*/
	scope?: string;
	/** Retry budgets, backoff and the overall deadline. See `RetryPolicy` for each default. */
	retry?: Partial<RetryPolicy>;
	/**
	Per-attempt timeout in ms, a whole number from 1 to 2_147_483_647 (capped by what is left of `retry.maxRetryTime`).
	@default 10_000
	*/
	timeout?: number;
	/**
	Headers sent on every call. Only the baseUrl origin ever receives them: redirects of writes are not followed, and
	reads follow only same-origin redirects. A journal record keeps none of them except the allow-list below, so a
	resumed operation is sent with the resuming client's own headers (its credentials). Checked like a call's `headers`,
	at `createClient`.
	*/
	headers?: HeadersInit;
	/**
	Request headers a journal record keeps, beside the built-in allow-list (`accept`, `accept-language`,
	`content-encoding`, `content-language`, `content-type`), for headers a resend needs in order to mean the same thing
	(`Stripe-Account`, `Stripe-Version`, a tenant header). Names that look like credentials (Authorization, Cookie,
	`*-key`, `*token*`, `*secret*`, ...) are refused: credentials come from the resuming client's own headers.
	@default []
	*/
	journalHeaders?: readonly string[];
	/**
	Query parameters sent on every call, for credentials a server takes in the query string (`api_key`, `access_token`).
	They are added as the request leaves: never journaled, never part of the fingerprint, never in an error message or an
	event. A call's own query (its path or `searchParams`) is part of the request and is journaled, so naming a
	well-known credential parameter there (`api_key`, `apikey`, `access_token`, `client_secret`, ...) is refused.
	*/
	searchParams?: Record<string, string | number | boolean> | URLSearchParams;
	/**
	Keep response and request bodies in journal records. Turn off for sensitive payloads; a re-run of a finished operation then returns `data: undefined`.
	@default true
	*/
	storeBodies?: boolean;
	/**
	Largest response body, in bytes, kept in a journal record; larger ones are dropped (`data: undefined` on a journal replay).
	@default 65_536
	*/
	maxStoredBodyBytes?: number;
	/**
	Largest response body, in bytes, read into memory. A larger one is not read (its connection is closed) and the
	answer counts with no body: its status still decides the outcome, and a 2xx resolves with `data: undefined` (a
	`schema` then fails with `ResponseValidationError`: the request was applied). Bounds what a misrouted download or a
	hostile server can make the process hold; raise it for an API that answers larger documents.
	@default 16_777_216 (16 MiB)
	*/
	maxResponseBytes?: number;
	/**
	How long finished records are kept, in ms (at least the dialect's key retention).
	@default 86_400_000
	*/
	keepFinishedMs?: number;
	/**
	Called by `resume()`/`resumeAll()` when an interrupted operation's key has outlived the server's retention, so resending it could apply it twice. Look the effect up (the booking, the charge) and decide. Without it, such operations raise `KeyExpiredError`.
	*/
	onExpired?: OnExpired;
	/**
	Receives attempt, retry, replay, conflict and give-up events. It may be `async`; its errors and rejections are
	ignored (see `IdemEvent`), so catch them inside the hook if you want them reported.
	*/
	onEvent?: (event: IdemEvent) => void;
	/**
	`fetch` implementation. Resolved on every call, so test interceptors installed later still apply.
	@default globalThis.fetch
	*/
	fetch?: typeof fetch;
};

export type CallOptions<T = unknown> = {
	/** JSON body, serialised once; every attempt sends the same bytes. */
	json?: unknown;
	/**
	Raw body: string, bytes, Blob, URLSearchParams or FormData (read once). Streams cannot be resent and are refused, and
	so is a body (or `json`) on GET and HEAD, which fetch cannot send.
	*/
	body?: BodyInit | null;
	/**
	Logical operation id, 1 to 512 characters. Calls with the same id are one operation: one key, one effect.
	@default a fresh id per call
	*/
	operation?: string;
	/**
	Explicit Idempotency-Key. When set without `operation`, the key names the operation.
	@default minted (UUID v4) and journaled
	*/
	key?: string;
	/**
	Standard Schema (zod, valibot, arktype, ...) for the success body; `res.data` is its output. Anything without a
	`~standard.validate` function is refused before sending.
	*/
	schema?: StandardSchemaV1<unknown, T>;
	/**
	Extra headers for this call, over the client's. Names are tokens; values are strings of Latin-1 without line breaks
	or control characters (tab allowed); Content-Length, Transfer-Encoding, Keep-Alive, Upgrade and Expect are fetch's
	own. Anything else is refused before sending, naming the header but never its value.
	*/
	headers?: HeadersInit;
	/** Query parameters; values are strings, numbers or booleans (leave a parameter out rather than passing `undefined`). */
	searchParams?: Record<string, string | number | boolean> | URLSearchParams;
	/** Cancels the call, including a pending backoff wait. Must be a real `AbortSignal`. */
	signal?: AbortSignal;
	/** Per-call override of the client's `timeout`: a whole number of ms from 1 to 2_147_483_647. */
	timeout?: number;
	/** Per-call override of the client's retry settings. */
	retry?: Partial<RetryPolicy>;
};

export type IdemResult<T = unknown> = {
	/** Parsed body (JSON when it parses, else text); the schema's output when `schema` was given. */
	readonly data: T;
	readonly status: number;
	readonly headers: Headers;
	/** The Idempotency-Key sent; `undefined` for calls that carry none (GET, key-less endpoints). */
	readonly key: string | undefined;
	readonly operation: string;
	/** Attempts made by this call, a try whose connection failed before sending included (0 when the journal answered). */
	readonly attempts: number;
	/**
	`true` when the server replayed a stored response (or the journal answered, or the dialect's "already done" answer confirmed an earlier attempt), `false` when the server said it did not, `undefined` when the server gives no signal.
	*/
	readonly replayed: boolean | undefined;
	/** Answered from the journal without a request. */
	readonly fromJournal: boolean;
};

/**
What to do with an interrupted operation whose key expired:
- `resend`: send it again under a new key (only when you know the first attempt was not applied);
- `abandon`: mark it failed; `resume` raises `KeyExpiredError` and later runs of the operation raise it again;
- `result`: you found the effect; record it as succeeded with `data` (JSON) and `status` (@default 200) and return it.
*/
export type ExpiredDecision =
	| { readonly action: 'resend' }
	| { readonly action: 'abandon' }
	| { readonly action: 'result'; readonly status?: number; readonly data?: unknown };

/** Receives the journal record of the expired operation (frozen). */
export type OnExpired = (record: JournalRecord) => ExpiredDecision | Promise<ExpiredDecision>;

/** A request supplied to `resume()`: checked against the stored fingerprint, sent under the stored key. */
export type ResumeRequest = Pick<CallOptions, 'json' | 'body' | 'headers' | 'searchParams'> & {
	/** @default the stored method */
	method?: string;
	/** @default the stored URL */
	url?: string;
};

export type ResumeOptions<T = unknown> = Pick<CallOptions<T>, 'schema' | 'signal' | 'timeout' | 'retry'> & {
	/**
	The request to resend. Needed when the record was journaled without its body (`storeBodies: false`).
	@default the journaled request
	*/
	request?: ResumeRequest;
	/**
	Headers added to the journaled request, over the client's: credentials the first call passed per call (a tenant's
	token), which the journal never keeps. Ignored when `request` is given (its own `headers` apply).
	*/
	headers?: HeadersInit;
	/** Per-call override of the client's `onExpired`. */
	onExpired?: OnExpired;
};

export type ResumeAllOptions = Pick<CallOptions, 'signal' | 'timeout' | 'retry'> & {
	/**
	How many operations are resumed at once.
	@default 4
	*/
	concurrency?: number;
	/** Per-call override of the client's `onExpired`. */
	onExpired?: OnExpired;
};

/** What resuming one operation can fail with: narrow it on `name` (a literal per class) or with the `isXError()` guards. */
export type ResumeError =
	| OutcomeUnknownError
	| InProgressError
	| RequestRejectedError
	| KeyReuseError
	| KeyMissingError
	| KeyExpiredError
	| OperationAbandonedError
	| JournalError
	| InvalidRequestError
	| ResponseValidationError;

/**
How one operation fared in `resumeAll()`. Aborting `resumeAll()`'s signal rejects the whole call with the signal's
reason instead (what was resumed before is journaled; `pending()` lists the rest).
*/
export type ResumeReport<T = unknown> = { readonly operation: string } & (
	| { readonly ok: true; readonly result: IdemResult<T> }
	| { readonly ok: false; readonly error: ResumeError }
);

/** Options of `client.abandon()`. */
export type AbandonOptions = {
	/** Why, for whoever finds the record later (at most 1,000 characters); kept in the journal and on the error. */
	reason?: string;
	/**
	Abandon it although an attempt is recorded as in flight (`inflight`: started, no answer recorded). Only when you
	know the process that started it is gone; an operation this client is sending right now is refused even so.
	@default false
	*/
	force?: boolean;
	/**
	Stops waiting for the journal (say, a FileJournal lock another process holds); the call rejects with the signal's
	reason. Must be a real `AbortSignal`.
	*/
	signal?: AbortSignal;
	/** Per-call override of the client's retry settings: its `maxRetryTime` bounds the journal waits. */
	retry?: Partial<RetryPolicy>;
};

/** Options of `client.resolve()`: the outcome you found (the booking exists, the charge went through). */
export type ResolveOptions = AbandonOptions & {
	/**
	The 2xx status the server would have answered; later runs answer it from the journal.
	@default 200
	*/
	status?: number;
	/** The response data (JSON-serialisable) later runs answer with; `undefined` for none. */
	data?: unknown;
};
