import type { RetryPolicy } from '../../retry/policy.js';
import type { FaultRates } from '../faults/types.js';

/**
Every fault kind at once. Rates are per request. `hold` outlasts {@link CHAOS_TIMEOUT_MS} in about a sixth of its
draws, so timed-out attempts are retried into the in-progress window; the rest overlap with concurrent reruns. The 5xx-after-effect and 500 rates stay low because
a server that caches errors (Stripe) replays them forever: those operations end in `OutcomeUnknownError`, which is
reported, not lost.
*/
export const CHAOS_FAULTS: FaultRates = Object.freeze({
	dropAfterCommit: 0.04,
	dropBefore: 0.03,
	unavailableBefore: 0.03,
	unavailableAfter: 0.01,
	serverError: 0.005,
	rateLimited: 0.02,
	inProgress: 0.01,
	latency: Object.freeze({ probability: 0.2, minMs: 1, maxMs: 15 }),
	hold: Object.freeze({ probability: 0.05, minMs: 20, maxMs: 1_200 }),
});

/**
Per-attempt timeout of chaos clients, in ms. Generous on purpose: client and server share one event loop, and on a
busy machine a short timer fires before an answer that already arrived is read.
*/
export const CHAOS_TIMEOUT_MS = 1_000;

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
