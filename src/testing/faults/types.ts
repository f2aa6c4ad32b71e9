/**
A fault scripted for one request, consumed in arrival order (one per request, whatever its endpoint):

- `'pass'`: no fault; the request is handled normally (use it to let a request through before a later fault).
- `'drop-before'`: the connection is reset before processing (no effect, nothing stored): a network error.
- `'drop-after-commit'`: the request is processed (effect applied, answer stored under its key) and then the
  connection drops without an answer: the client gets a network error.
- `'503-before'`: 503 before processing (no effect, nothing stored).
- `'503-after'`: processed, then a gateway answers 503 instead of the answer. A server that caches errors (Stripe)
  stores that 503 under the key and replays it; the others store the real answer and replay it.
- `'500'`: processing itself fails with 500 and no effect; a server that caches errors (Stripe) stores that 500
  under the key and replays it on every retry.
- `'429'`: rate limited (`Retry-After: 0`), before processing.
- `'in-progress'`: the dialect's "a request with this key is still being processed" answer, before processing.
  Only for dialects that have one (ietf, stripe, 42min); the others block concurrent duplicates instead.
- `{ latencyMs }`: the request waits that long before it is handled, then is handled normally.
- `{ holdMs }`: processing takes that long while the request's key is held, so requests with the same key that
  arrive meanwhile meet the dialect's in-progress behaviour (a 409, or waiting for this one's answer).
- a {@link ScriptedAnswer}: exactly that answer, before processing (for statuses no dialect sends by itself).
*/
export type Fault =
	| 'pass'
	| 'drop-before'
	| 'drop-after-commit'
	| '503-before'
	| '503-after'
	| '500'
	| '429'
	| 'in-progress'
	| { readonly latencyMs: number }
	| { readonly holdMs: number }
	| ScriptedAnswer;

/** A literal answer for a scripted fault. A non-string `body` is sent as JSON. */
export type ScriptedAnswer = {
	readonly status: number;
	readonly body?: unknown;
	readonly headers?: Readonly<Record<string, string>>;
};

/** A delay drawn uniformly from `[minMs, maxMs]` for a share of the requests. */
export type DelayRate = {
	/** Share of requests delayed, from 0 to 1. */
	readonly probability: number;
	/**
	Shortest delay in ms.
	@default 0
	*/
	readonly minMs?: number;
	/** Longest delay in ms. */
	readonly maxMs: number;
};

/**
Faults drawn at random for each request, from a seeded generator: the same seed gives the same faults to the same
arrival order. Each rate is the share of requests (0 to 1) that get that fault; at most one of the answer-changing
faults applies per request (their rates add up to at most 1), while latency and hold combine with any of them.
*/
export type FaultRates = {
	/**
	Processed (effect applied, answer stored), then the connection is destroyed without an answer.
	@default 0
	*/
	readonly dropAfterCommit?: number;
	/**
	Connection reset before processing: no effect.
	@default 0
	*/
	readonly dropBefore?: number;
	/**
	503 before processing: no effect.
	@default 0
	*/
	readonly unavailableBefore?: number;
	/**
	503 after processing (the effect applied); stored and replayed where the dialect caches errors.
	@default 0
	*/
	readonly unavailableAfter?: number;
	/**
	500 from processing, no effect; stored and replayed where the dialect caches errors.
	@default 0
	*/
	readonly serverError?: number;
	/**
	429 with `Retry-After: 0`, before processing.
	@default 0
	*/
	readonly rateLimited?: number;
	/**
	The dialect's in-progress answer, before processing. Dialects that block duplicates instead (bardge, repull,
	problem) answer these requests normally: their in-progress behaviour is exercised by `hold`.
	@default 0
	*/
	readonly inProgress?: number;
	/**
	Delay before a request is handled.
	@default none
	*/
	readonly latency?: DelayRate;
	/**
	Processing time while the request's key is held, so retries and concurrent duplicates meet the in-progress
	behaviour.
	@default none
	*/
	readonly hold?: DelayRate;
};

/** What happens to one request: its answer-changing fault plus the delays around processing. */
export type RequestFaults = {
	readonly fault: Fault;
	readonly latencyMs: number;
	readonly holdMs: number;
};
