import { describe, expect, it } from 'vitest';
import { claimed, newRecord, settled } from '../../src/journal/lifecycle.js';
import type { JournalRecord } from '../../src/journal/record.js';
import { refusal, sameByHand, settledByHand } from '../../src/operation/by-hand.js';

const fresh = newRecord({
	scope: 's',
	operation: 'op',
	key: 'k',
	fingerprint: 'f',
	method: 'POST',
	path: '/x',
	now: 1,
	retentionMs: undefined,
	keepMs: 1_000,
});
const inflight = claimed(fresh, 2);
const unknown = settled(inflight, 'unknown', 3);
const succeeded = settled(inflight, 'succeeded', 3);

describe('refusal', () => {
	// record, running in this process, forced, expected
	const rows: [string, JournalRecord, boolean, boolean, ReturnType<typeof refusal>][] = [
		['pending (nothing sent)', fresh, false, false, undefined],
		['unknown', unknown, false, false, undefined],
		['inflight, not forced', inflight, false, false, 'inflight'],
		['inflight, forced', inflight, false, true, undefined],
		['sent by this process, forced', inflight, true, true, 'running_here'],
		['unknown but running here again', unknown, true, false, 'running_here'],
		['finished', succeeded, false, true, 'finished'],
	];
	it.each(rows)('%s', (_name, record, runningHere, force, expected) => {
		expect(refusal(record, runningHere, force)).toBe(expected);
	});
});

describe('settledByHand', () => {
	it('abandons as failed with no attempt left open, keeping the reason', () => {
		const next = settledByHand(unknown, { action: 'abandon', reason: 'wrong port' }, 9);
		expect(next).toMatchObject({
			state: 'failed',
			revision: unknown.revision + 1,
			attemptsFinished: unknown.attemptsStarted,
			updatedAt: 9,
			outcome: { status: 0, error: 'abandoned', byHand: { action: 'abandon', reason: 'wrong port' } },
		});
	});

	it('resolves as succeeded with the JSON of the data, status 200 unless given', () => {
		expect(settledByHand(unknown, { action: 'resolve', data: { id: 1 } }, 9).outcome).toEqual({
			status: 200,
			replayed: null,
			headers: [['content-type', 'application/json']],
			body: '{"id":1}',
			byHand: { action: 'resolve' },
		});
		expect(settledByHand(unknown, { action: 'resolve', status: 204 }, 9).outcome).toMatchObject({
			status: 204,
			headers: [],
		});
	});

	it('tells a repeat of the same settlement from a different one', () => {
		const done = settledByHand(unknown, { action: 'resolve', data: 1 }, 9);
		expect(sameByHand(done, settledByHand(done, { action: 'resolve', data: 1 }, 10))).toBe(true);
		expect(sameByHand(done, settledByHand(done, { action: 'resolve', data: 2 }, 10))).toBe(false);
		expect(sameByHand(done, settledByHand(done, { action: 'abandon' }, 10))).toBe(false);
	});
});
