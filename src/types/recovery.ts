// Options and reports of resume, resumeAll, abandon and resolve.
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
import type { JournalRecord } from '../journal/record.js';
import type { RetryPolicy } from '../retry/policy.js';
import type { CallOptions, IdemHeadersInit } from './options.js';
import type { IdemResult } from './result.js';

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
	headers?: IdemHeadersInit;
	/** Per-call override of the client's `onExpired`. */
	onExpired?: OnExpired;
	/**
	Run it although it was set aside (`setAsideAt` on its record: its attempts were cut off mid-request
	`maxInterruptedAttempts` times, a crash loop), or although another client's lease on it is still running. Only when
	you know why, and that the process that last sent it is gone: its attempt counts as maybe applied, and the resend
	goes under the same key. Without it, a set-aside operation fails with `OutcomeUnknownError` (reason `interrupted`)
	and nothing is sent, and a live lease is waited on (up to `retry.maxRetryTime`) until its owner finishes or it lapses.
	@default false
	*/
	force?: boolean;
};

/** Operations set aside are not resumed: each is reported with its `OutcomeUnknownError` (reason `interrupted`). */
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
