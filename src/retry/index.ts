export type { BackoffOptions } from './backoff.js';
export { backoffDelay, equalJitterDelay } from './backoff.js';
export type { ClassifyContext, Decision, Observation, RetryReason } from './classify.js';
export { classify, replaySignal } from './classify.js';
export type { Plan, RetryCounters, RetryPolicy } from './policy.js';
export { DEFAULT_RETRY, planNext } from './policy.js';
export { parseRetryAfter } from './retry-after.js';
export type { AttemptResult, RetryEvent, RunConfig, RunOutcome } from './run.js';
export { runRetries } from './run.js';
