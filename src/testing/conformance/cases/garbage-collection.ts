import { claimed, settled } from '../../../journal/lifecycle.js';
import type { JournalRecord, OperationState } from '../../../journal/record.js';
import type { CaseContext, CaseGroup } from '../case.js';
import { succeededOutcome } from '../records.js';

/**
Writes an operation that began two minutes before `now`, brings it to `state` and sets its `retainUntil`: records
in every state with a retention on either side of `now`, as a long-running journal holds them.
*/
async function recordIn(
	{ journal, scope, fixture, created, cas }: CaseContext,
	now: number,
	operation: string,
	state: OperationState,
	retainUntil: number,
): Promise<JournalRecord> {
	const record = await created(journal, fixture(scope, operation, now - 120_000));
	const claim = claimed(record, now - 100_000);
	if (state === 'pending') return cas(journal, { ...claim, state, retainUntil }, `${operation} pending`);
	if (state === 'inflight') return cas(journal, { ...claim, retainUntil }, `${operation} inflight`);
	await cas(journal, claim, `${operation} claim`);
	const outcome = state === 'unknown' ? undefined : succeededOutcome();
	return cas(journal, { ...settled(claim, state, now - 90_000, outcome), retainUntil }, operation);
}

// Unfinished records are kept whatever their retention: deleting one forgets a key the server may still hold.
async function collectsOnlyFinishedRecordsDue(ctx: CaseContext) {
	const { journal, scope, expect } = ctx;
	const now = Date.now();
	// Start from a journal with nothing collectable at `now` (it may be shared with other data).
	await journal.collectGarbage(now);

	await recordIn(ctx, now, 'old-succeeded', 'succeeded', now - 1_000);
	await recordIn(ctx, now, 'old-failed', 'failed', now - 50_000);
	await recordIn(ctx, now, 'due-now-succeeded', 'succeeded', now);
	const young = await recordIn(ctx, now, 'young-succeeded', 'succeeded', now + 60_000);
	const youngFailed = await recordIn(ctx, now, 'young-failed', 'failed', now + 1);
	const oldUnknown = await recordIn(ctx, now, 'old-unknown', 'unknown', now - 1_000);
	const oldInflight = await recordIn(ctx, now, 'old-inflight', 'inflight', now - 1_000);
	const oldPending = await recordIn(ctx, now, 'old-pending', 'pending', now - 1_000);

	expect(await journal.collectGarbage(now), 'records collected').toBe(3);
	for (const gone of ['old-succeeded', 'old-failed', 'due-now-succeeded']) {
		expect(await journal.get(scope, gone), `${gone} was collected`).toBe(undefined);
	}
	expect(await journal.get(scope, 'young-succeeded')).toEqual(young);
	expect(await journal.get(scope, 'young-failed')).toEqual(youngFailed);
	expect(await journal.get(scope, 'old-unknown')).toEqual(oldUnknown);
	expect(await journal.get(scope, 'old-inflight')).toEqual(oldInflight);
	expect(await journal.get(scope, 'old-pending')).toEqual(oldPending);
	expect(await journal.listUnfinished(scope)).toEqual([oldUnknown, oldInflight, oldPending]);

	expect(await journal.collectGarbage(now), 'a second pass at the same time').toBe(0);
	expect(await journal.collectGarbage(now + 60_000), 'once the young ones are due').toBe(2);
	expect(await journal.get(scope, 'old-unknown')).toEqual(oldUnknown);
}

async function collectedOperationCanBeCreatedAgain({
	journal,
	scope,
	expect,
	fixture,
	created,
	cas,
}: CaseContext) {
	const now = Date.now();
	const record = await created(journal, fixture(scope, 'op-1', now - 10_000));
	const c = await cas(journal, claimed(record, now - 9_000), 'claim');
	await cas(
		journal,
		{ ...settled(c, 'succeeded', now - 8_000, succeededOutcome()), retainUntil: now - 1 },
		'done',
	);
	expect((await journal.collectGarbage(now)) >= 1).toBe(true);
	const again = fixture(scope, 'op-1');
	expect(await journal.create(again)).toEqual(again);
}

/** collectGarbage(now): finished records go once their retention is over, and leave no trace behind. */
export const garbageCollectionCases: CaseGroup = {
	name: 'collectGarbage',
	cases: [
		{
			title: 'deletes only finished records at or past retainUntil, never unfinished ones, and counts them',
			run: collectsOnlyFinishedRecordsDue,
		},
		{ title: 'lets a collected operation be created again', run: collectedOperationCanBeCreatedAgain },
	],
};
