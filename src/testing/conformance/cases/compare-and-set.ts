import { claimed, settled } from '../../../journal/lifecycle.js';
import type { JournalRecord } from '../../../journal/record.js';
import type { CaseContext, CaseGroup } from '../case.js';
import { succeededOutcome } from '../records.js';

async function writesTheClaim({ journal, scope, expect, fixture, created, expectWellFormed }: CaseContext) {
	const record = await created(journal, fixture(scope, 'op-1'));
	const next = claimed(record, record.createdAt + 3);
	expect(await journal.compareAndSet(next)).toBe(true);
	const read = await journal.get(scope, 'op-1');
	expect(read).toEqual(next);
	expect(read?.state).toBe('inflight');
	expect(read?.attemptsStarted).toBe(record.attemptsStarted + 1);
	expect(read?.revision).toBe(record.revision + 1);
	expect(read?.key).toBe(record.key);
	expectWellFormed(read, 'claimed record');
}

async function takesAWholeLifecycle({
	journal,
	scope,
	expect,
	fixture,
	created,
	cas,
	expectWellFormed,
}: CaseContext) {
	let record = await created(journal, fixture(scope, 'op-1'));
	const t0 = record.createdAt;
	const steps: [string, (r: JournalRecord) => JournalRecord][] = [
		['claim', (r) => claimed(r, t0 + 1)],
		['unknown', (r) => settled(r, 'unknown', t0 + 2)],
		['claim again', (r) => claimed(r, t0 + 3)],
		['succeeded', (r) => settled(r, 'succeeded', t0 + 4, succeededOutcome())],
	];
	for (const [what, step] of steps) {
		record = await cas(journal, step(record), what);
		const read = await journal.get(scope, 'op-1');
		expect(read, `after ${what}`).toEqual(record);
		expectWellFormed(read, `after ${what}`);
	}
	expect(record.revision).toBe(5);
	expect(record.attemptsStarted).toBe(2);
	expect(record.attemptsFinished).toBe(2);
}

async function oneOfTwoWritersWins({ journal, scope, expect, fixture, created }: CaseContext) {
	const record = await created(journal, fixture(scope, 'op-1'));
	const mine = claimed(record, record.createdAt + 1);
	const theirs = { ...claimed(record, record.createdAt + 2), state: 'unknown' as const };
	expect(await journal.compareAndSet(mine)).toBe(true);
	expect(await journal.compareAndSet(theirs), 'the second writer read a stale revision').toBe(false);
	expect(await journal.get(scope, 'op-1')).toEqual(mine);
}

async function oneOfManyConcurrentWritersWins({ journal, scope, expect, fixture, created }: CaseContext) {
	const record = await created(journal, fixture(scope, 'op-1'));
	const writers = Array.from({ length: 20 }, (_, i) => claimed(record, record.createdAt + i + 1));
	const results = await Promise.all(writers.map((w) => journal.compareAndSet(w)));
	expect(results.filter(Boolean).length, 'writes accepted').toBe(1);
	const winner = writers[results.indexOf(true)];
	expect(await journal.get(scope, 'op-1')).toEqual(winner);
}

// Accepting a jump (revision + 2) would let a writer that missed an update overwrite it unseen.
async function refusesEveryOtherRevision({ journal, scope, expect, fixture, created, cas }: CaseContext) {
	const record = await created(journal, fixture(scope, 'op-1'));
	const current = await cas(journal, claimed(record, record.createdAt + 1), 'first claim');
	const base = settled(current, 'unknown', current.updatedAt + 1);
	for (const revision of [current.revision + 2, current.revision, current.revision - 1, 0]) {
		const accepted = await journal.compareAndSet({ ...base, revision });
		expect(accepted, `a write at revision ${revision} over stored ${current.revision}`).toBe(false);
		expect(await journal.get(scope, 'op-1'), `after the refused revision ${revision}`).toEqual(current);
	}
	expect(await journal.compareAndSet(base), 'the right revision is still accepted').toBe(true);
}

// A collected operation must stay gone: an upsert would bring it back under its old key.
async function refusesAMissingRecord({ journal, scope, expect, fixture }: CaseContext) {
	const ghost = claimed(fixture(scope, 'ghost'), Date.now());
	expect(await journal.compareAndSet(ghost)).toBe(false);
	expect(await journal.compareAndSet({ ...ghost, revision: 1 })).toBe(false);
	expect(await journal.get(scope, 'ghost')).toBe(undefined);
	expect(await journal.listUnfinished(scope)).toEqual([]);
}

/** Compare-and-set on `revision`: how two runners of one operation learn that the other moved first. */
export const compareAndSetCases: CaseGroup = {
	name: 'compareAndSet',
	cases: [
		{
			title: 'writes the claimed() transition: inflight, attemptsStarted + 1, revision + 1, readable back',
			run: writesTheClaim,
		},
		{
			title: 'takes a whole lifecycle: claim, unknown, claim again, succeeded with its outcome',
			run: takesAWholeLifecycle,
		},
		{ title: 'lets exactly one of two writers from the same revision win', run: oneOfTwoWritersWins },
		{
			title: 'lets exactly one of many concurrent writers from the same revision win',
			run: oneOfManyConcurrentWritersWins,
		},
		{
			title: 'rejects a write whose revision is not exactly the stored one plus one, writing nothing',
			run: refusesEveryOtherRevision,
		},
		{ title: 'refuses a write to a missing record and creates nothing', run: refusesAMissingRecord },
	],
};
