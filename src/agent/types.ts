import type { Journal } from '../journal/journal.js';

/** What idemkey found out about one tool call, from the arguments the framework passed besides the input. */
export type ToolCallInfo = {
	/** The tool's name (`options.name`). */
	readonly tool: string;
	/**
	The framework's id for this call: the AI SDK's `toolCallId`, the OpenAI Agents SDK's `details.toolCall.callId`;
	`undefined` when the framework passed none.
	*/
	readonly callId: string | undefined;
	/** The MCP session id (`extra.sessionId`), when the call came through an MCP server that has sessions. */
	readonly sessionId: string | undefined;
	/** The framework's abort signal for this call, when it passed one. */
	readonly signal: AbortSignal | undefined;
	/** The arguments the framework passed after the input, as it passed them (its run context, options, `extra`). */
	readonly context: readonly unknown[];
};

/** What the wrapped function gets besides the input: pass `operation`, `key` and `signal` to the idemkey client. */
export type ToolRunContext = {
	/** The logical operation id of this action: give it to `api.post(..., { operation })`. */
	readonly operation: string;
	/** The Idempotency-Key of this action: give it to `api.post(..., { key })`. The same on every re-run. */
	readonly key: string;
	/** Aborts once every caller waiting for this run has been cancelled by its framework (never, if one passed none). */
	readonly signal: AbortSignal;
	readonly call: ToolCallInfo;
};

/**
How a tool call becomes one operation:

- `'call'`: one operation per tool call id. A re-execution of the same call (a step retry, a replayed run) is
  answered from the journal; a *new* call with the same input (the model re-planned) is a new action.
- `'intent'`: one operation per (run id, tool, canonical input). A re-planned call with a new id but the same input
  joins the first one. Two intended identical actions in one run are applied once: give each its own input or use
  a business key.
*/
export type KeyBy = 'call' | 'intent';

/** What the model is told instead of a result: the statuses `throwOn` can turn into thrown errors. */
export type ToolFailureStatus = 'outcome_unknown' | 'failed';

export type IdempotentToolOptions<I> = {
	/** The tool's name: part of every key and operation id, so two tools never share one. */
	name: string;
	/**
	Where tool-call records live. Use a durable journal (FileJournal, Redis, PostgreSQL) when re-runs may happen in
	another process or after a restart; records live under scope `agent:<scope>`, apart from the client's own. Pass one
	journal to every wrapper of a tool: a tool defined per request without it gets a fresh, empty journal each time, and
	only the server's memory of the key is left to catch a repeat.
	@default a new MemoryJournal
	*/
	journal?: Journal | undefined;
	/**
	Namespaces records and keys: a tenant, account or workspace. Two scopes never derive the same key.
	@default 'default'
	*/
	scope?: string | undefined;
	/** @default 'call' (unless `key` is given) */
	keyBy?: KeyBy | undefined;
	/**
	The run, thread or conversation the calls belong to; required by `keyBy: 'intent'`. A function is asked on every
	call (read it from the framework's context there).
	*/
	runId?: string | ((call: ToolCallInfo) => string | undefined) | undefined;
	/**
	A business key for the action (`book:${clientId}:${classId}`): calls with the same key are one operation, whatever
	their call ids and runs. Replaces `keyBy`.
	*/
	key?: ((input: I, call: ToolCallInfo) => string) | undefined;
	/**
	Derives keys with HMAC-SHA-256 under this secret, so nobody who sees a call id or an input can compute the key.
	At least 16 bytes (a string is taken as UTF-8).
	@default none: keys are a plain SHA-256 digest
	*/
	secret?: string | Uint8Array | undefined;
	/**
	Statuses thrown as the typed `IdempotencyError` instead of returned to the model as data.
	@default [] (everything is returned as data)
	*/
	throwOn?: readonly ToolFailureStatus[] | undefined;
	/**
	How long the server behind the tool keeps a key. A call interrupted with an unknown outcome is not re-run under its
	key after that (it could apply twice): the model is told to have it checked instead.
	@default undefined (no limit known)
	*/
	retentionMs?: number | undefined;
	/**
	How long a finished record is kept, so a re-run within it is answered from the journal.
	@default 86_400_000 (24 hours)
	*/
	keepFinishedMs?: number | undefined;
	/**
	Largest result, in bytes of JSON, kept for replays. A larger one is not kept: a replay then returns a
	`result_not_kept` notice instead of the result.
	@default 65_536
	*/
	maxStoredResultBytes?: number | undefined;
	/**
	The longest a call waits for the journal: to record the call before the tool runs, and again to record how it
	ended. A journal that has not recorded the call in time fails it with code `journal` (the tool did not run, safe to
	call again); one that has not recorded the end in time is left to finish on its own while the result is returned
	(a record left unfinished is re-run under the same key). The framework's abort signal ends either wait sooner.
	@default 10_000
	*/
	journalTimeoutMs?: number | undefined;
};

/** The ids of the action, on every outcome the model sees. */
type OutcomeIds = {
	/** The logical operation id; a person can look it up in the journal (`idemkey pending`). */
	operation: string;
	/** The Idempotency-Key the action was sent with. */
	key: string;
	/** What the model should do next, in a sentence it can follow. */
	advice: string;
};

/** The action may or may not have been applied. */
export type ToolOutcomeUnknown = OutcomeIds & {
	status: 'outcome_unknown';
	/**
	`outcome_unknown`: the answer was lost; `in_progress`: still being processed; `key_expired`: too late to resend
	safely; `abandoned`: an operator set the operation aside (`idemkey abandon`).
	*/
	code: 'outcome_unknown' | 'in_progress' | 'key_expired' | 'abandoned';
};

/** The action was not applied. */
export type ToolFailed = OutcomeIds & {
	status: 'failed';
	code: 'rejected' | 'key_reused' | 'key_missing' | 'invalid_request' | 'journal' | 'not_sent';
	/** The service's own error code (`class_full`), or the invalid field, when there is one. */
	reason?: string;
};

/** The action was applied earlier; its result was too large (or not JSON) to keep for replays. */
export type ToolResultNotKept = OutcomeIds & { status: 'result_not_kept' };

/** What a tool returns to the model instead of its result. */
export type ToolOutcome = ToolOutcomeUnknown | ToolFailed | ToolResultNotKept;
