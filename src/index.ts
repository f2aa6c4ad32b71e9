/*
The root entry, `idemkey`: what an application uses, listed by name. Held back, on purpose:
- the record format and the helpers for writing a journal (record schema and reader, lifecycle transitions,
  canonicalJson, fingerprint, the conformance suite): in `idemkey/journal`, for journal authors, so that an
  application's autocomplete is not a storage engine's;
- the retry engine (classify, planNext, backoffDelay, parseRetryAfter, DEFAULT_RETRY and their Decision, Plan,
  Observation types): internal, so it can change without a major version; the `retry` option and `RetryPolicy` are
  its interface, and docs/concepts.md documents the behaviour and the defaults;
- Node-only and optional-peer code: in `idemkey/node`, `idemkey/browser`, `idemkey/testing`, `idemkey/agent`.
*/
export type { Call, IdemClient, ReadCall } from './client/create.js';
export { createClient } from './client/create.js';
export { bardge, dialects, fortyTwoMin, ietf, problem, repull, stripe } from './dialects/catalog.js';
export type { DialectInit } from './dialects/define.js';
export { defineDialect } from './dialects/define.js';
export { KNOWN_REPLAY_HEADERS } from './dialects/fallback.js';
export type { AnswerRule, Dialect, DialectName, ReplayHeader } from './dialects/types.js';
export type { IdempotencyErrorCode, IdempotencyErrorDetails } from './errors/base.js';
export { IdempotencyError, isIdempotencyError } from './errors/base.js';
export type { ErrorDetailsWithAnswer, OutcomeUnknownReason, ServerAnswer } from './errors/classes.js';
export {
	InProgressError,
	InvalidRequestError,
	JournalError,
	KeyExpiredError,
	KeyMissingError,
	KeyReuseError,
	NotSentError,
	OperationAbandonedError,
	OutcomeUnknownError,
	RequestRejectedError,
	ResponseValidationError,
} from './errors/classes.js';
export {
	isInProgressError,
	isInvalidRequestError,
	isJournalError,
	isKeyExpiredError,
	isKeyMissingError,
	isKeyReuseError,
	isNotSentError,
	isOperationAbandonedError,
	isOutcomeUnknownError,
	isRequestRejectedError,
	isResponseValidationError,
} from './errors/guards.js';
// The types an application meets as a value: its journal option, and the records pending(), abandon() and resolve()
// answer with.
export type { Journal } from './journal/journal.js';
export { MemoryJournal, type MemoryJournalOptions } from './journal/memory.js';
export type { JournalRecord, OperationState } from './journal/record.js';
export { deriveKey, mintKey } from './keys/mint.js';
export type { RetryPolicy } from './retry/policy.js';
export type { EventBase, IdemEvent } from './types/events.js';
export type {
	CallOptions,
	ClientOptions,
	IdemHeadersInit,
	IdemSearchParamsInit,
	ReadCallOptions,
} from './types/options.js';
export type {
	AbandonOptions,
	ExpiredDecision,
	OnExpired,
	ResolveOptions,
	ResumeAllOptions,
	ResumeError,
	ResumeOptions,
	ResumeReport,
	ResumeRequest,
} from './types/recovery.js';
export type { IdemResult } from './types/result.js';
export type {
	StandardSchemaV1,
	StandardSchemaV1Issue,
	StandardSchemaV1Result,
} from './types/standard-schema.js';
