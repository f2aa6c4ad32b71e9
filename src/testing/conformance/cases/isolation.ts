import { claimed, settled } from '../../../journal/lifecycle.js';
import type { CaseContext, CaseGroup } from '../case.js';
import { copy, succeededOutcome } from '../records.js';
import { scribble } from '../scribble.js';

// An in-memory journal that keeps the caller's object would let a later edit rewrite history unseen.
async function unchangedAfterCreate({ journal, scope, expect, fixture }: CaseContext) {
	const record = fixture(scope, 'op-1');
	const expected = copy(record);
	const answer = await journal.create(record);
	scribble(record);
	scribble(answer);
	expect(await journal.get(scope, 'op-1')).toEqual(expected);
}

async function unchangedAfterCompareAndSet({ journal, scope, expect, fixture, created, cas }: CaseContext) {
	const record = await created(journal, fixture(scope, 'op-1'));
	const claim = await cas(journal, claimed(record, record.createdAt + 1), 'claim');
	const next = settled(claim, 'succeeded', claim.updatedAt + 1, succeededOutcome());
	const expected = copy(next);
	await cas(journal, next, 'succeeded');
	scribble(next);
	expect(await journal.get(scope, 'op-1')).toEqual(expected);
}

async function unchangedByRecordsHandedOut({ journal, scope, expect, fixture, created, cas }: CaseContext) {
	const record = await created(journal, fixture(scope, 'op-1'));
	const claim = await cas(journal, claimed(record, record.createdAt + 1), 'claim');
	const next = settled(claim, 'unknown', claim.updatedAt + 1, succeededOutcome());
	const expected = copy(next);
	await cas(journal, next, 'unknown');
	const got = await journal.get(scope, 'op-1');
	if (got) scribble(got);
	for (const listed of await journal.listUnfinished(scope)) scribble(listed);
	const again = await journal.create(fixture(scope, 'op-1'));
	scribble(again);
	expect(await journal.get(scope, 'op-1')).toEqual(expected);
}

/** Isolation from callers: the journal shares no object with the code that writes or reads it. */
export const isolationCases: CaseGroup = {
	name: 'isolation from callers',
	cases: [
		{ title: 'is not changed by mutating a record after create()', run: unchangedAfterCreate },
		{ title: 'is not changed by mutating a record after compareAndSet()', run: unchangedAfterCompareAndSet },
		{ title: 'is not changed by mutating the records it hands out', run: unchangedByRecordsHandedOut },
	],
};
