import { leasedClaim, renewed, setAside } from '../../../journal/lease.js';
import { settled } from '../../../journal/lifecycle.js';
import type { CaseContext, CaseGroup } from '../case.js';

const LEASE_MS = 30_000;

async function oneOfTwoClaimantsWins({ journal, scope, expect, fixture, created }: CaseContext) {
	const record = await created(journal, fixture(scope, 'op-1'));
	const at = record.createdAt;
	const mine = leasedClaim(record, at + 1, { owner: 'owner-a', until: at + LEASE_MS });
	const theirs = leasedClaim(record, at + 1, { owner: 'owner-b', until: at + LEASE_MS });
	const results = await Promise.all([journal.compareAndSet(mine), journal.compareAndSet(theirs)]);
	expect(results.filter(Boolean).length, 'claims accepted').toBe(1);
	const winner = results[0] ? mine : theirs;
	const stored = await journal.get(scope, 'op-1');
	expect(stored, 'the winning claim, lease and all').toEqual(winner);
	expect(stored?.lease?.fence).toBe(1);
}

// The owner that lost its lease (paused past its end) renews or settles on the claim it made: refused, and the new
// owner's record stays whole. Without this, two attempts could be on the wire with the journal saying one.
/** Owner `a` claims op-1 with a short lease; owner `b` takes it over once it lapsed (at + 20). */
async function takenOver({ journal, scope, fixture, created, cas }: CaseContext) {
	const record = await created(journal, fixture(scope, 'op-1'));
	const at = record.createdAt;
	const first = await cas(journal, leasedClaim(record, at + 1, { owner: 'a', until: at + 10 }), 'claim');
	const taken = await cas(
		journal,
		leasedClaim(first, at + 20, { owner: 'b', until: at + 20 + LEASE_MS }),
		'take over the lapsed lease',
	);
	return { at, first, taken };
}

async function refusesTheStaleOwner(ctx: CaseContext) {
	const { journal, scope, expect } = ctx;
	const { at, first, taken } = await takenOver(ctx);
	const late = [
		['renew', renewed(first, at + 21, at + 21 + LEASE_MS)],
		['settle', settled(first, 'unknown', at + 22)],
	] as const;
	for (const [what, write] of late) {
		expect(await journal.compareAndSet(write), `the stale owner's ${what}`).toBe(false);
		expect(await journal.get(scope, 'op-1'), `after the stale ${what}`).toEqual(taken);
	}
}

async function takesOverWithAHigherFence(ctx: CaseContext) {
	const { journal, scope, expect, expectWellFormed } = ctx;
	const { at, taken } = await takenOver(ctx);
	const read = await journal.get(scope, 'op-1');
	expect(read).toEqual(taken);
	expect(read?.lease).toEqual({ owner: 'b', until: at + 20 + LEASE_MS, fence: 2 });
	expect(read?.interruptions).toBe(1);
	expect(read?.attemptsStarted).toBe(2);
	expectWellFormed(read, 'taken-over record');
}

async function renewsTheLease({ journal, scope, expect, fixture, created, cas }: CaseContext) {
	const record = await created(journal, fixture(scope, 'op-1'));
	const at = record.createdAt;
	let current = await cas(journal, leasedClaim(record, at + 1, { owner: 'a', until: at + 100 }), 'claim');
	for (let i = 1; i <= 3; i++) {
		current = await cas(journal, renewed(current, at + i * 50, at + 100 + i * 50), `renewal ${i}`);
		expect(await journal.get(scope, 'op-1'), `after renewal ${i}`).toEqual(current);
	}
	expect(current.lease).toEqual({ owner: 'a', until: at + 250, fence: 1 });
}

async function keepsASetAsideOperation({ journal, scope, expect, fixture, created, cas }: CaseContext) {
	const record = await created(journal, fixture(scope, 'op-1'));
	const at = record.createdAt;
	const claim = await cas(journal, leasedClaim(record, at + 1, { owner: 'a', until: at + 10 }), 'claim');
	const aside = await cas(journal, setAside(claim, at + 20), 'set aside');
	expect(await journal.get(scope, 'op-1')).toEqual(aside);
	// Unfinished (its outcome is unknown): still listed, so that pending() shows it.
	const listed = await journal.listUnfinished(scope);
	expect(listed.map((r) => [r.operation, r.setAsideAt])).toEqual([['op-1', at + 20]]);
}

// Leases are compared on one clock across machines: a clock that runs elsewhere, or backwards, hands leases out twice.
async function tellsTimeNearDateNow({ journal, expect }: CaseContext) {
	if (!journal.now) return;
	const readings: number[] = [];
	for (let i = 0; i < 5; i++) {
		const before = Date.now();
		const now = await journal.now();
		const after = Date.now();
		expect(Number.isFinite(now), `now() is a finite number (got ${String(now)})`).toBe(true);
		expect(
			now > before - 5_000 && now < after + 5_000,
			`now() ${now} is epoch ms within 5 s of Date.now() (${before}..${after})`,
		).toBe(true);
		readings.push(now);
	}
	for (let i = 1; i < readings.length; i++) {
		expect(
			(readings[i] as number) >= (readings[i - 1] as number) - 5,
			`now() does not go back: ${readings.join(', ')}`,
		).toBe(true);
	}
}

/** The lease fields every journal keeps as written, and the races a lease is decided by. */
export const leaseCases: CaseGroup = {
	name: 'leases and fences',
	cases: [
		{ title: 'lets exactly one of two owners claiming the same revision win', run: oneOfTwoClaimantsWins },
		{
			title:
				"refuses the renewal or settlement of an owner whose lease was taken over, keeping the new owner's",
			run: refusesTheStaleOwner,
		},
		{
			title: 'keeps a takeover as written: the new owner, a higher fence, one more interruption',
			run: takesOverWithAHigherFence,
		},
		{ title: 'keeps each renewal of a lease as written', run: renewsTheLease },
		{
			title: 'keeps an operation set aside, and lists it as unfinished',
			run: keepsASetAsideOperation,
		},
		{
			title: 'tells the time with now(), when it has it: epoch ms near Date.now(), not going back',
			run: tellsTimeNearDateNow,
		},
	],
};
