import { describe, expect, it } from 'vitest';
import * as root from '../../src/index.js';
import * as journalEntry from '../../src/journal.js';
import * as testingEntry from '../../src/testing/index.js';

// The public surface is a decision, not a by-product: a value added to or dropped from an entry fails here until the
// list below (and the README's table of entries) says so.

describe('idemkey (the root entry)', () => {
	it('exports what an application uses, and nothing else', () => {
		expect(Object.keys(root).sort()).toEqual(
			[
				'createClient',
				'MemoryJournal',
				'deriveKey',
				'mintKey',
				// dialects
				'bardge',
				'defineDialect',
				'dialects',
				'fortyTwoMin',
				'ietf',
				'KNOWN_REPLAY_HEADERS',
				'problem',
				'repull',
				'stripe',
				// errors and their guards
				'IdempotencyError',
				'InProgressError',
				'InvalidRequestError',
				'JournalError',
				'KeyExpiredError',
				'KeyMissingError',
				'KeyReuseError',
				'NotSentError',
				'OperationAbandonedError',
				'OutcomeUnknownError',
				'RequestRejectedError',
				'ResponseValidationError',
				'isIdempotencyError',
				'isInProgressError',
				'isInvalidRequestError',
				'isJournalError',
				'isKeyExpiredError',
				'isKeyMissingError',
				'isKeyReuseError',
				'isNotSentError',
				'isOperationAbandonedError',
				'isOutcomeUnknownError',
				'isRequestRejectedError',
				'isResponseValidationError',
			].sort(),
		);
	});

	it.each([
		'classify',
		'planNext',
		'backoffDelay',
		'parseRetryAfter',
		'DEFAULT_RETRY',
		'JournalRecordSchema',
		'fingerprint',
	])('holds back %s', (name) => {
		expect(name in root).toBe(false);
	});
});

describe('idemkey/journal (for journal authors)', () => {
	it('has the record schema and reader, lifecycle helpers, fingerprint and the conformance suite', () => {
		expect(Object.keys(journalEntry).sort()).toEqual(
			[
				'JournalRecordSchema',
				'OPERATION_STATES',
				'RECORD_VERSION',
				'canonicalJson',
				'claimed',
				'expiryMargin',
				'fingerprint',
				'isCollectable',
				'isFinished',
				'keyExpired',
				'newRecord',
				'recordId',
				'recordProblem',
				'runJournalConformance',
				'settled',
				'wasInterrupted',
			].sort(),
		);
	});

	it('publishes the same conformance suite as idemkey/testing', () => {
		expect(journalEntry.runJournalConformance).toBe(testingEntry.runJournalConformance);
	});

	it('lets an author build and check a record the way the client does', () => {
		const record = journalEntry.newRecord({
			scope: 's',
			operation: 'op',
			key: 'k1',
			fingerprint: 'f',
			method: 'POST',
			path: '/x',
			now: 1_000,
			retentionMs: undefined,
			keepMs: 60_000,
		});
		const done = journalEntry.settled(journalEntry.claimed(record, 1_001), 'succeeded', 1_002, {
			status: 201,
			replayed: null,
			headers: [],
		});
		expect(journalEntry.recordProblem(done)).toBeUndefined();
		expect(journalEntry.recordProblem({ ...done, state: 'lost' })).toContain('state');
		expect(journalEntry.isFinished(done.state)).toBe(true);
		expect(journalEntry.isCollectable(done, 61_000)).toBe(true);
		expect(done.v).toBe(journalEntry.RECORD_VERSION);
	});
});
