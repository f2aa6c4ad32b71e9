import { describe, expect, it } from 'vitest';
import {
	claimed,
	expiryMargin,
	keyExpired,
	type NewRecordInput,
	newClaimedRecord,
	newRecord,
	rekeyed,
	released,
	resolvedByCaller,
	settled,
	wasInterrupted,
} from '../../src/journal/lifecycle.js';
import {
	isCollectable,
	isFinished,
	type JournalRecord,
	RECORD_VERSION,
	recordProblem,
} from '../../src/journal/record.js';

const NOW = 1_700_000_000_000;

const input = (over: Partial<NewRecordInput> = {}): NewRecordInput => ({
	scope: 'tenant-1',
	operation: 'book:u42:c7',
	key: 'key-1',
	fingerprint: 'fp-1',
	method: 'POST',
	path: '/bookings/class',
	now: NOW,
	retentionMs: 90_000,
	keepMs: 86_400_000,
	...over,
});

const outcome = {
	status: 201,
	replayed: false,
	headers: [['content-type', 'application/json']] as [string, string][],
};

describe('newRecord', () => {
	it('starts pending at revision 1 with no attempts, created and updated now', () => {
		const record = newRecord(input());
		expect(record).toEqual({
			v: RECORD_VERSION,
			scope: 'tenant-1',
			operation: 'book:u42:c7',
			key: 'key-1',
			fingerprint: 'fp-1',
			method: 'POST',
			path: '/bookings/class',
			state: 'pending',
			revision: 1,
			attemptsStarted: 0,
			attemptsFinished: 0,
			createdAt: NOW,
			updatedAt: NOW,
			expiresAt: NOW + 90_000 - 9_000,
			retainUntil: NOW + 86_400_000,
		});
		expect(recordProblem(record)).toBeUndefined();
	});

	it.each([
		[90_000, 9_000],
		[1_000, 100],
		[15, 2], // ceil(1.5)
		[86_400_000, 60_000], // 10% capped at a minute
		[600_000, 60_000],
	])(
		'expires a key with retention %i ms at created + retention - margin (margin %i ms)',
		(retentionMs, margin) => {
			expect(expiryMargin(retentionMs)).toBe(margin);
			expect(newRecord(input({ retentionMs })).expiresAt).toBe(NOW + retentionMs - margin);
		},
	);

	it('never expires the key when the retention is unknown', () => {
		expect(newRecord(input({ retentionMs: undefined })).expiresAt).toBe(null);
	});

	it('retains a record for keepMs, or for the retention when that is longer', () => {
		expect(newRecord(input({ keepMs: 1_000, retentionMs: 90_000 })).retainUntil).toBe(NOW + 90_000);
		expect(newRecord(input({ keepMs: 200_000, retentionMs: 90_000 })).retainUntil).toBe(NOW + 200_000);
		expect(newRecord(input({ keepMs: 5_000, retentionMs: undefined })).retainUntil).toBe(NOW + 5_000);
	});

	it('keeps a null key for writes sent without one', () => {
		expect(newRecord(input({ key: null })).key).toBe(null);
	});

	it('stores the request snapshot only when one is given', () => {
		expect('request' in newRecord(input())).toBe(false);
		const request = {
			url: 'https://x.test/a',
			headers: [['x-app', '1']] as [string, string][],
			body: 'e30=',
		};
		expect(newRecord(input({ request })).request).toEqual(request);
	});
});

describe('newClaimedRecord', () => {
	it('is a new record already claimed for its first attempt, at revision 1', () => {
		const record = newClaimedRecord(input());
		expect(record).toEqual({ ...newRecord(input()), state: 'inflight', attemptsStarted: 1 });
		expect(wasInterrupted(record)).toBe(true);
		expect(recordProblem(record)).toBeUndefined();
	});
});

describe('caller reconciliation', () => {
	const unknown = settled(claimed(newRecord(input()), NOW + 1), 'unknown', NOW + 2);

	it('rekeyed gives the operation a new key and a fresh key window, as if never sent', () => {
		const later = NOW + 500_000;
		const next = rekeyed(unknown, 'k-new', later, 90_000);
		expect(next).toMatchObject({ key: 'k-new', state: 'pending', attemptsStarted: 0, attemptsFinished: 0 });
		expect(next.revision).toBe(unknown.revision + 1);
		expect(next.expiresAt).toBe(later + 90_000 - expiryMargin(90_000));
		expect(keyExpired(next, later + 1)).toBe(false);
	});

	it('resolvedByCaller finishes the record with the given outcome and no attempt left open', () => {
		const next = resolvedByCaller(unknown, 'failed', NOW + 3, { status: 0, replayed: null, headers: [] });
		expect(next).toMatchObject({
			state: 'failed',
			attemptsFinished: unknown.attemptsStarted,
			updatedAt: NOW + 3,
		});
		expect(next.revision).toBe(unknown.revision + 1);
		expect(wasInterrupted(next)).toBe(false);
	});
});

describe('claimed', () => {
	it('marks the record inflight, counts the attempt and bumps the revision without touching the input', () => {
		const record = newRecord(input());
		const before = structuredClone(record);
		const next = claimed(record, NOW + 10);
		expect(next).toEqual({
			...record,
			state: 'inflight',
			revision: 2,
			attemptsStarted: 1,
			updatedAt: NOW + 10,
		});
		expect(record).toEqual(before);
	});

	it('keeps key, fingerprint, creation time and expiry on every claim', () => {
		const first = newRecord(input());
		const again = claimed(settled(claimed(first, NOW + 1), 'unknown', NOW + 2), NOW + 3);
		expect(again.attemptsStarted).toBe(2);
		expect(again.revision).toBe(4);
		for (const field of ['key', 'fingerprint', 'createdAt', 'expiresAt', 'retainUntil'] as const) {
			expect(again[field]).toBe(first[field]);
		}
	});
});

describe('settled', () => {
	it('records the state, counts the finished attempt and bumps the revision', () => {
		const inflight = claimed(newRecord(input()), NOW + 1);
		const next = settled(inflight, 'succeeded', NOW + 2, outcome);
		expect(next).toEqual({
			...inflight,
			state: 'succeeded',
			revision: 3,
			attemptsFinished: 1,
			updatedAt: NOW + 2,
			outcome,
		});
		expect(inflight.state).toBe('inflight');
		expect(inflight.outcome).toBe(undefined);
	});

	it('never counts more finished attempts than started ones', () => {
		const pending = newRecord(input());
		expect(settled(pending, 'unknown', NOW + 1).attemptsFinished).toBe(0);
		const done = settled(claimed(pending, NOW + 1), 'unknown', NOW + 2);
		expect(settled(done, 'unknown', NOW + 3).attemptsFinished).toBe(1);
	});

	it('leaves out the outcome when none is given', () => {
		const next = settled(claimed(newRecord(input()), NOW + 1), 'unknown', NOW + 2);
		expect('outcome' in next).toBe(false);
	});
});

describe('released', () => {
	const fresh = newClaimedRecord(input());
	const afterUnknown = claimed(settled(fresh, 'unknown', NOW + 1), NOW + 2);
	const afterRateLimit = claimed(settled(fresh, 'pending', NOW + 1), NOW + 2);
	it.each([
		{
			what: 'a new operation goes back to pending, never attempted',
			from: fresh,
			state: 'pending',
			started: 0,
		},
		{
			what: 'an unknown one stays unknown with its earlier attempt',
			from: afterUnknown,
			state: 'unknown',
			started: 1,
		},
		{ what: 'one refused after a 429 stays pending', from: afterRateLimit, state: 'pending', started: 1 },
	] as const)('takes the claim back: $what', ({ from, state, started }) => {
		const next = released(from, state, NOW + 5);
		expect(next).toEqual({
			...from,
			state,
			revision: from.revision + 1,
			attemptsStarted: started,
			updatedAt: NOW + 5,
		});
		expect(next.attemptsFinished).toBe(from.attemptsFinished);
		expect(from.state).toBe('inflight');
	});

	it('leaves a never-sent operation neither interrupted nor expired, so it can still be sent after its key window', () => {
		const next = released(fresh, 'pending', NOW + 1);
		expect(wasInterrupted(next)).toBe(false);
		expect(keyExpired(next, NOW + 10 * 90_000)).toBe(false);
		expect(keyExpired(fresh, NOW + 10 * 90_000)).toBe(true);
	});

	it('never counts fewer started attempts than finished ones', () => {
		const settledRecord = settled(fresh, 'unknown', NOW + 1);
		expect(released(settledRecord, 'unknown', NOW + 2).attemptsStarted).toBe(settledRecord.attemptsFinished);
	});
});

describe('wasInterrupted', () => {
	const pending = newRecord(input());
	const inflight = claimed(pending, NOW + 1);
	it.each<[string, JournalRecord, boolean]>([
		['a fresh pending record', pending, false],
		['an inflight record (process died mid-attempt)', inflight, true],
		['an inflight record even when its counters match', { ...inflight, attemptsFinished: 1 }, true],
		['an unknown record', settled(inflight, 'unknown', NOW + 2), true],
		['a pending record after a 429 (attempt finished)', settled(inflight, 'pending', NOW + 2), false],
		['a pending record with an unfinished attempt', { ...inflight, state: 'pending' }, true],
		['a succeeded record', settled(inflight, 'succeeded', NOW + 2, outcome), false],
	])('says %s interrupted: %s', (_what, record, expected) => {
		expect(wasInterrupted(record)).toBe(expected);
	});
});

describe('keyExpired', () => {
	const pending = newRecord(input());
	const expiresAt = pending.expiresAt as number;
	const unknown = settled(claimed(pending, NOW + 1), 'unknown', NOW + 2);

	it('is false before expiresAt and true at and after it once an attempt started', () => {
		expect(keyExpired(unknown, expiresAt - 1)).toBe(false);
		expect(keyExpired(unknown, expiresAt)).toBe(true);
		expect(keyExpired(unknown, expiresAt + 3_600_000)).toBe(true);
	});

	it('is false for a record never attempted: the server never saw its key', () => {
		expect(keyExpired(pending, expiresAt + 3_600_000)).toBe(false);
	});

	it('is false when the retention is unknown', () => {
		const open = settled(claimed(newRecord(input({ retentionMs: undefined })), NOW + 1), 'unknown', NOW + 2);
		expect(keyExpired(open, Number.MAX_SAFE_INTEGER)).toBe(false);
	});
});

describe('finished and collectable records', () => {
	const inflight = claimed(newRecord(input({ keepMs: 1_000, retentionMs: undefined })), NOW + 1);
	it('calls only succeeded and failed finished', () => {
		expect(
			['pending', 'inflight', 'succeeded', 'failed', 'unknown'].filter((s) => isFinished(s as never)),
		).toEqual(['succeeded', 'failed']);
	});

	it('collects a finished record at retainUntil, never an unfinished one', () => {
		const done = settled(inflight, 'succeeded', NOW + 2, outcome);
		expect(isCollectable(done, done.retainUntil - 1)).toBe(false);
		expect(isCollectable(done, done.retainUntil)).toBe(true);
		expect(isCollectable(settled(inflight, 'unknown', NOW + 2), Number.MAX_SAFE_INTEGER)).toBe(false);
		expect(isCollectable(inflight, Number.MAX_SAFE_INTEGER)).toBe(false);
	});
});
