import type { RetryPolicy } from '../../retry/policy.js';
import type { FaultRates } from '../faults/types.js';

/**
Every fault kind at once. Rates are per request. `hold` keeps a key busy for up to 250 ms, so reruns by a second
caller and double clicks meet the in-progress behaviour (a 409, or waiting for the first answer); it stays well
under {@link CHAOS_TIMEOUT_MS} so a hold is never mistaken for a dead connection. The 5xx-after-effect and 500 rates
stay low because a server that caches errors (Stripe) replays them on every retry: those operations end in
`OutcomeUnknownError`, which is reported, not lost.
*/
export const CHAOS_FAULTS: FaultRates = Object.freeze({
	dropAfterCommit: 0.04,
	dropBefore: 0.03,
	unavailableBefore: 0.03,
	unavailableAfter: 0.005,
	serverError: 0.0025,
	rateLimited: 0.02,
	inProgress: 0.01,
	latency: Object.freeze({ probability: 0.2, minMs: 1, maxMs: 15 }),
	hold: Object.freeze({ probability: 0.05, minMs: 20, maxMs: 250 }),
});

/**
Per-attempt timeout of chaos clients, in ms. Generous on purpose: client and server share one event loop, and on a
busy machine (a 2-core CI runner) a short timer fires before an answer that already arrived is read; every such
timeout is a retry the server did not need and, repeated, an `OutcomeUnknownError` that no fault caused.
*/
export const CHAOS_TIMEOUT_MS = 10_000;

/**
Fast backoff so a run finishes in seconds, with budgets no fault mix above can exhaust: with per-request fault rates
around 15%, 21 failed attempts in a row have a chance far below one in a billion.
*/
export const CHAOS_RETRY: Readonly<Partial<RetryPolicy>> = Object.freeze({
	limit: 20,
	inProgressLimit: 60,
	baseDelay: 2,
	maxDelay: 40,
	inProgressDelay: 10,
	maxRetryTime: 60_000,
});
