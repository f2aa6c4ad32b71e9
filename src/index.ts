export type { Call, IdemClient } from './client/create.js';
export { createClient } from './client/create.js';
export type { AnswerRule, Dialect, DialectInit, DialectName, ReplayHeader } from './dialects/index.js';
export {
	bardge,
	defineDialect,
	dialects,
	fortyTwoMin,
	ietf,
	KNOWN_REPLAY_HEADERS,
	problem,
	repull,
	stripe,
} from './dialects/index.js';
export type {
	ErrorDetailsWithAnswer,
	IdempotencyErrorCode,
	IdempotencyErrorDetails,
	OutcomeUnknownReason,
	ServerAnswer,
} from './errors/index.js';
export {
	IdempotencyError,
	InProgressError,
	InvalidRequestError,
	isIdempotencyError,
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
	JournalError,
	KeyExpiredError,
	KeyMissingError,
	KeyReuseError,
	NotSentError,
	OperationAbandonedError,
	OutcomeUnknownError,
	RequestRejectedError,
	ResponseValidationError,
} from './errors/index.js';
export type {
	Journal,
	JournalCallOptions,
	JournalRecord,
	MemoryJournalOptions,
	OperationState,
	RecordOutcome,
	RequestSnapshot,
} from './journal/index.js';
export {
	isCollectable,
	isFinished,
	JournalRecordSchema,
	MemoryJournal,
	RECORD_VERSION,
} from './journal/index.js';
export type { FingerprintInput } from './keys/index.js';
export { canonicalJson, deriveKey, fingerprint, mintKey } from './keys/index.js';
export type {
	BackoffOptions,
	ClassifyContext,
	Decision,
	Observation,
	Plan,
	RetryCounters,
	RetryPolicy,
	RetryReason,
} from './retry/index.js';
export { backoffDelay, classify, DEFAULT_RETRY, parseRetryAfter, planNext } from './retry/index.js';
export type { EventBase, IdemEvent } from './types/events.js';
export type { CallOptions, ClientOptions, IdemHeadersInit } from './types/options.js';
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
