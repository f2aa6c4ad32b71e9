export type { Journal, JournalCallOptions } from './journal.js';
export type { NewRecordInput } from './lifecycle.js';
export { claimed, expiryMargin, keyExpired, newRecord, settled, wasInterrupted } from './lifecycle.js';
export { MemoryJournal, type MemoryJournalOptions } from './memory.js';
export type { JournalRecord, OperationState, RecordOutcome, RequestSnapshot } from './record.js';
export {
	isCollectable,
	isFinished,
	JournalRecordSchema,
	OPERATION_STATES,
	RECORD_VERSION,
	recordId,
} from './record.js';
