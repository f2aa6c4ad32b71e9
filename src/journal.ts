/*
The `idemkey/journal` entry point, for journal authors: the `Journal` interface and the record it stores, the record
schema and reader to check what comes back from storage, the lifecycle helpers the client uses to move a record from
state to state (for building records in your tests), the fingerprint a record keeps, and the conformance suite to run
against your journal. An application needs none of it: `createClient` and a journal are in `idemkey`.
*/

export type { Journal, JournalCallOptions, RecordChange } from './journal/journal.js';
export type { NewRecordInput } from './journal/lifecycle.js';
export {
	claimed,
	expiryMargin,
	keyExpired,
	newRecord,
	settled,
	wasInterrupted,
} from './journal/lifecycle.js';
export type {
	AttemptEntry,
	JournalRecord,
	Lease,
	OperationState,
	RecordOutcome,
	RequestSnapshot,
} from './journal/record.js';
export {
	isCollectable,
	isFinished,
	JournalRecordSchema,
	OPERATION_STATES,
	RECORD_VERSION,
	recordId,
	recordProblem,
} from './journal/record.js';
export { canonicalJson } from './keys/canonical-json.js';
export type { FingerprintInput } from './keys/fingerprint.js';
export { fingerprint } from './keys/fingerprint.js';
export type {
	ConformanceAssertion,
	ConformanceOptions,
	ConformanceTestApi,
} from './testing/conformance/api.js';
export { runJournalConformance } from './testing/conformance/suite.js';
