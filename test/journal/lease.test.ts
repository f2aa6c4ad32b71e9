import { describe, expect, it } from 'vitest';
import {
	freedByHand,
	isLeaseLive,
	leasedClaim,
	newLeasedRecord,
	renewed,
	setAside,
	supersedes,
	turnOf,
} from '../../src/journal/lease.js';
import { isFreshRecord, released, settled } from '../../src/journal/lifecycle.js';
import { type JournalRecord, type Lease, recordProblem } from '../../src/journal/record.js';

const NOW = 1_700_000_000_000;
const LEASE = 30_000;

const fresh = (owner = 'a'): JournalRecord =>
	newLeasedRecord(
		{
			scope: 's',
			operation: 'op',
			key: 'k',
			fingerprint: 'fp',
			method: 'POST',
			path: '/p',
			now: NOW,
			retentionMs: 90_000,
			keepMs: 86_400_000,
		},
		{ owner, until: NOW + LEASE },
	);

/** A record in `state`, its last claim by `owner` with a lease to `until`; `undefined` owner: claimed before leases. */
function record(
	state: JournalRecord['state'],
	owner: string | undefined,
	until = NOW + LEASE,
	extra: Partial<JournalRecord> = {},
): JournalRecord {
	const { lease, ...bare } = fresh(owner ?? 'x');
	const leased = owner === undefined ? bare : { ...bare, lease: { ...(lease as Lease), until } };
	return { ...leased, state, ...extra };
}

describe('newLeasedRecord', () => {
	it('is created claimed under the lease, fence 1, at revision 1, and is a valid record', () => {
		const r = fresh('a');
		expect([r.state, r.revision, r.attemptsStarted]).toEqual(['inflight', 1, 1]);
		expect(r.lease).toEqual({ owner: 'a', until: NOW + LEASE, fence: 1 });
		expect(r.interruptions).toBeUndefined();
		expect(recordProblem(r)).toBeUndefined();
	});

	it("is told from another owner's copy created the same millisecond", () => {
		const mine = fresh('a');
		expect(isFreshRecord(structuredClone(mine), mine)).toBe(true);
		expect(isFreshRecord(fresh('b'), mine)).toBe(false);
	});
});

describe('isLeaseLive', () => {
	it.each<[string, JournalRecord, number, boolean]>([
		['inflight, before until', record('inflight', 'a'), NOW + LEASE - 1, true],
		['inflight, at until', record('inflight', 'a'), NOW + LEASE, false],
		['inflight, past until', record('inflight', 'a'), NOW + LEASE + 1, false],
		['inflight without a lease (claimed before leases)', record('inflight', undefined), NOW, false],
		['unknown, before until (the attempt ended)', record('unknown', 'a'), NOW, false],
		['pending, before until (the claim was taken back)', record('pending', 'a'), NOW, false],
		['succeeded, before until', record('succeeded', 'a'), NOW, false],
	])('%s', (_name, r, now, live) => {
		expect(isLeaseLive(r, now)).toBe(live);
	});
});

describe('turnOf', () => {
	const MAX = 5;
	it.each<[string, JournalRecord, string]>([
		['succeeded', record('succeeded', 'b'), 'finished'],
		['failed', record('failed', 'b'), 'finished'],
		['set aside earlier', record('unknown', 'b', NOW, { setAsideAt: NOW }), 'aside'],
		['set aside, even by this owner', record('unknown', 'a', NOW, { setAsideAt: NOW }), 'aside'],
		['pending', record('pending', 'b'), 'claim'],
		['unknown (an attempt ended without an answer)', record('unknown', 'b'), 'claim'],
		["inflight under another owner's live lease", record('inflight', 'b'), 'wait'],
		["inflight under this owner's own lease (an attempt it gave up on)", record('inflight', 'a'), 'claim'],
		["inflight under another owner's lapsed lease", record('inflight', 'b', NOW - 1), 'take-over'],
		['inflight with no lease (claimed before leases)', record('inflight', undefined), 'take-over'],
		[
			'lapsed, interrupted 3 times before',
			record('inflight', 'b', NOW - 1, { interruptions: 3 }),
			'take-over',
		],
		[
			'lapsed, interrupted 4 times before: the 5th is one too many',
			record('inflight', 'b', NOW - 1, { interruptions: 4 }),
			'set-aside',
		],
		[
			'live, interrupted 4 times before: still waited on',
			record('inflight', 'b', NOW + 1, { interruptions: 4 }),
			'wait',
		],
	])('%s', (_name, r, turn) => {
		expect(turnOf(r, 'a', NOW, MAX)).toBe(turn);
	});

	it.each<[string, JournalRecord, string]>([
		["another owner's live lease, its tab gone", record('inflight', 'b'), 'take-over'],
		[
			'its tab gone, interrupted 4 times before',
			record('inflight', 'b', NOW + 1, { interruptions: 4 }),
			'set-aside',
		],
		['pending: nobody to wait for either way', record('pending', 'b'), 'claim'],
		['finished: its outcome is the answer', record('succeeded', 'b'), 'finished'],
	])('when the journal vouches the owner is gone (a closed or reloaded tab): %s', (_name, r, turn) => {
		expect(turnOf(r, 'a', NOW, MAX, true)).toBe(turn);
	});

	it('never sets aside with maxInterruptedAttempts Infinity', () => {
		const r = record('inflight', 'b', NOW - 1, { interruptions: 1_000 });
		expect(turnOf(r, 'a', NOW, Number.POSITIVE_INFINITY)).toBe('take-over');
	});
});

describe('leasedClaim', () => {
	it.each<[string, JournalRecord, { fence: number; interruptions: number | undefined }]>([
		['a pending record, first claimed', record('pending', undefined), { fence: 1, interruptions: undefined }],
		['an unknown record, claimed again', record('unknown', 'b'), { fence: 2, interruptions: undefined }],
		[
			"another owner's lapsed claim, taken over",
			record('inflight', 'b', NOW - 1),
			{ fence: 2, interruptions: 1 },
		],
		['a claim from before leases, taken over', record('inflight', undefined), { fence: 1, interruptions: 1 }],
		[
			"this owner's own leftover claim",
			record('inflight', 'a', NOW - 1, { interruptions: 2 }),
			{ fence: 2, interruptions: 2 },
		],
	])('%s: fence %o', (_name, r, expected) => {
		const next = leasedClaim(r, NOW + 5, { owner: 'a', until: NOW + 5 + LEASE });
		expect(next.lease).toEqual({ owner: 'a', until: NOW + 5 + LEASE, fence: expected.fence });
		expect(next.interruptions).toBe(expected.interruptions);
		expect([next.state, next.revision, next.attemptsStarted]).toEqual([
			'inflight',
			r.revision + 1,
			r.attemptsStarted + 1,
		]);
	});
});

describe('renewed, released, settled, setAside, restored', () => {
	const claim = fresh('a');

	it('renewal moves only until: same owner, same fence, next revision', () => {
		const next = renewed(claim, NOW + 10, NOW + 10 + LEASE);
		expect(next.lease).toEqual({ owner: 'a', until: NOW + 10 + LEASE, fence: 1 });
		expect([next.state, next.revision, next.attemptsStarted]).toEqual(['inflight', 2, 1]);
	});

	it.each<[string, JournalRecord]>([
		['released', released(claim, 'pending', NOW + 1)],
		['settled unknown', settled(claim, 'unknown', NOW + 1)],
		['settled succeeded', settled(claim, 'succeeded', NOW + 1)],
	])('%s keeps the fence, so the next claim takes a higher one', (_name, next) => {
		expect(next.lease?.fence).toBe(1);
		expect(isLeaseLive(next, NOW + 2)).toBe(false);
		expect(leasedClaim(next, NOW + 3, { owner: 'b', until: NOW + LEASE }).lease?.fence).toBe(2);
	});

	it('setAside: unknown, one more interruption, when; the fence kept', () => {
		const lapsed = { ...claim, interruptions: 4 };
		const aside = setAside(lapsed, NOW + 50);
		expect([aside.state, aside.interruptions, aside.setAsideAt, aside.lease?.fence]).toEqual([
			'unknown',
			5,
			NOW + 50,
			1,
		]);
		expect(aside.revision).toBe(claim.revision + 1);
		expect(recordProblem(aside)).toBeUndefined();
	});

	it('freedByHand from set aside: no longer aside, interruptions counted afresh', () => {
		const back = freedByHand(setAside(claim, NOW + 50), NOW + 60);
		expect('setAsideAt' in back).toBe(false);
		expect(back.interruptions).toBe(0);
		expect(back.revision).toBe(claim.revision + 2);
		expect(turnOf(back, 'b', NOW + 61, 5)).toBe('claim');
	});

	it.each([
		['live', NOW + 60],
		['lapsed', NOW + LEASE + 1],
	])(
		"freedByHand from another owner's %s lease: its attempt unknown, one interruption, claimed at once",
		(_, at) => {
			const back = freedByHand({ ...claim, interruptions: 4 }, at);
			expect([back.state, back.interruptions, back.lease]).toEqual(['unknown', 1, claim.lease]);
			expect(back.revision).toBe(claim.revision + 1);
			expect(turnOf({ ...claim, interruptions: 4 }, 'b', at, 5)).not.toBe('claim');
			// Claimed, not taken over: even a client that sets aside at the first interruption runs it.
			expect(turnOf(back, 'b', at, 1)).toBe('claim');
			expect(leasedClaim(back, at, { owner: 'b', until: at + LEASE }).interruptions).toBe(1);
		},
	);
});

describe('supersedes', () => {
	const held = { owner: 'a', until: NOW + LEASE, fence: 2 };
	it.each<[string, JournalRecord, boolean]>([
		['the same claim', record('inflight', 'a', NOW, { lease: held }), false],
		[
			'a higher fence (taken over)',
			record('inflight', 'b', NOW, { lease: { ...held, owner: 'b', fence: 3 } }),
			true,
		],
		['a lower fence', record('inflight', 'b', NOW, { lease: { ...held, owner: 'b', fence: 1 } }), false],
		['no lease', record('unknown', undefined), false],
	])('%s', (_name, latest, expected) => {
		expect(supersedes(latest, held)).toBe(expected);
	});

	it('never, for a writer that holds no lease', () => {
		expect(supersedes(record('inflight', 'b'), undefined)).toBe(false);
	});
});
