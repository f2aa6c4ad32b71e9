// The options of createClient and of each call.
import type { Dialect, DialectName } from '../dialects/types.js';
import type { Journal } from '../journal/journal.js';
import type { RetryPolicy } from '../retry/policy.js';
import type { IdemEvent } from './events.js';
import type { OnExpired } from './recovery.js';
import type { StandardSchemaV1 } from './standard-schema.js';

/** Headers as an option takes them: a `Headers`, a record (an `undefined` value leaves the header out) or pairs. */
export type IdemHeadersInit = Headers | Record<string, string | undefined> | [string, string][];

/**
Query parameters as an option takes them: a `URLSearchParams`, or a record whose values are strings, numbers, booleans or
arrays of them (an array repeats the parameter: `{ tag: ['a', 'b'] }` sends `tag=a&tag=b`).
*/
export type IdemSearchParamsInit =
	| Record<string, string | number | boolean | readonly (string | number | boolean)[]>
	| URLSearchParams;

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
	headers?: IdemHeadersInit;
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
	searchParams?: IdemSearchParamsInit;
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
	How long, in ms, an attempt's claim on an operation holds off every other client sharing the journal (other
	clients, processes, tabs, machines). Its owner renews it every third of this while the request is on the wire;
	another client that finds it live sends nothing and waits for the outcome, and takes the operation over once it lapses
	(its owner died). Shorter: a dead owner's operations resume sooner; longer: a journal or event loop that stalls
	for a while does not let a second attempt out while the first is still on the wire. Measured on the journal's clock
	when it has one (Redis, Postgres). See docs/leases.md.
	@default 30_000
	@example leaseMs: 10_000
	*/
	leaseMs?: number;
	/**
	Interrupted attempts (each one's owner died or stopped renewing its lease mid-request) after which an operation is
	set aside rather than taken over again: a request that crashes its worker must not crash every worker in turn. A
	set-aside operation fails with `OutcomeUnknownError` (reason `interrupted`) before sending, `resumeAll()` skips and
	reports it, `pending()` lists it (`setAsideAt`), and `resume(operation, { force: true })` runs it again.
	@default 5
	@example maxInterruptedAttempts: 3
	*/
	maxInterruptedAttempts?: number;
	/**
	Called by `resume()`/`resumeAll()` when an interrupted operation's key has outlived the server's retention, so resending it could apply it twice. Look the effect up (the booking, the charge) and decide. Without it, such operations raise `KeyExpiredError`.
	*/
	onExpired?: OnExpired;
	/**
	Receives attempt, retry, wait (offline), replay, conflict and give-up events. It may be `async`; its errors and rejections are
	ignored (see `IdemEvent`), so catch them inside the hook if you want them reported.
	*/
	onEvent?: (event: IdemEvent) => void;
	/**
	OpenTelemetry spans for every call, on as soon as the application registers a global tracer provider with
	`@opentelemetry/api` (an optional peer: without it, or without a provider, nothing is traced and nothing is loaded).
	One INTERNAL span per call (`idemkey.operation`, `idemkey.key`, `idemkey.outcome`, ...), a CLIENT span per attempt
	(HTTP client conventions) and an event per wait; a run that resumes an operation links to the trace of its first
	run. `false` turns it off for this client. See docs/observability.md.
	@default true
	*/
	tracing?: boolean;
	/**
	`fetch` implementation. Resolved on every call, so test interceptors installed later still apply.
	@default globalThis.fetch
	*/
	fetch?: typeof fetch;
	/** Runs before each attempt leaves (after its journal claim): set per-attempt headers such as a fresh token.
	Headers it sets are sent but never journaled, fingerprinted, logged or put in errors; it cannot change the
	idempotency key header. If it throws or rejects, that attempt is not sent and the call rejects with NotSentError
	(cause: the hook's error); the wait for it ends with the call's signal and deadline. */
	beforeAttempt?: (attempt: {
		readonly headers: Headers;
		readonly method: string;
		readonly url: string;
		readonly operation: string;
		readonly key: string | undefined;
		readonly attempt: number;
		readonly signal: AbortSignal;
	}) => void | Promise<void>;
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
	headers?: IdemHeadersInit;
	/**
	Query parameters; values are strings, numbers, booleans or arrays of them (an array repeats the parameter). Leave a
	parameter out rather than passing `undefined`.
	*/
	searchParams?: IdemSearchParamsInit;
	/** Cancels the call, including a pending backoff wait. Must be a real `AbortSignal`. */
	signal?: AbortSignal;
	/** Per-call override of the client's `timeout`: a whole number of ms from 1 to 2_147_483_647. */
	timeout?: number;
	/** Per-call override of the client's retry settings. */
	retry?: Partial<RetryPolicy>;
};

/*
A refusal the compiler explains: no value has this type (its key is a symbol nothing outside this file can name), so an
option typed `Refused<'...'> | undefined` can only be left out, and the type error quotes the reason.
*/
declare const refused: unique symbol;
type Refused<Reason extends string> = { readonly [refused]: Reason };

/**
The options of a GET or HEAD call (`client.get()`, `client.request('HEAD', ...)`). A read is safe to repeat: it carries
no body and no key, and is never journaled, so `operation` only names the call in its result and events.
*/
export type ReadCallOptions<T = unknown> = Omit<CallOptions<T>, 'json' | 'body' | 'key'> & {
	/** Refused before sending (`InvalidRequestError`): fetch cannot send a body with GET or HEAD. */
	json?:
		| Refused<'GET and HEAD carry no body (fetch refuses one): send it with POST, PUT or PATCH'>
		| undefined;
	/** Refused before sending (`InvalidRequestError`) unless `null`: fetch cannot send a body with GET or HEAD. */
	body?:
		| Refused<'GET and HEAD carry no body (fetch refuses one): send it with POST, PUT or PATCH'>
		| null
		| undefined;
	/** A read is sent without an Idempotency-Key: one given here would never reach the server. */
	key?:
		| Refused<'GET and HEAD carry no Idempotency-Key (a read is safe to repeat): leave the key out'>
		| undefined;
};
