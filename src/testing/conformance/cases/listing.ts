import { claimed, settled } from '../../../journal/lifecycle.js';
import { isFinished } from '../../../journal/record.js';
import type { CaseContext, CaseGroup } from '../case.js';
import { succeededOutcome } from '../records.js';

async function listsUnfinishedOldestFirst(ctx: CaseContext) {
	const { journal, scope, expect, fixture, created, cas, expectWellFormed } = ctx;
	const base = Date.now() - 60_000;
	// Written out of creation order, so an insertion-ordered store fails.
	const unknown = await created(journal, fixture(scope, 'c-unknown', base + 3_000));
	const pending = await created(journal, fixture(scope, 'a-pending', base + 1_000));
	const inflight = await created(journal, fixture(scope, 'b-inflight', base + 2_000));
	const succeeded = await created(journal, fixture(scope, 'd-succeeded', base + 500));
	const failed = await created(journal, fixture(scope, 'e-failed', base + 700));
	await created(journal, fixture(`${scope}-other`, 'other-pending', base));

	const claimedInflight = await cas(journal, claimed(inflight, base + 2_100), 'claim');
	let u = await cas(journal, claimed(unknown, base + 3_100), 'claim');
	u = await cas(journal, settled(u, 'unknown', base + 3_200), 'unknown');
	const s = await cas(journal, claimed(succeeded, base + 600), 'claim');
	await cas(journal, settled(s, 'succeeded', base + 650, succeededOutcome()), 'succeeded');
	const f = await cas(journal, claimed(failed, base + 800), 'claim');
	await cas(
		journal,
		settled(f, 'failed', base + 850, { ...succeededOutcome('{"error":"sold_out"}'), status: 409 }),
		'failed',
	);

	const listed = await journal.listUnfinished(scope);
	expect(listed.map((r) => r.operation)).toEqual(['a-pending', 'b-inflight', 'c-unknown']);
	expect(listed).toEqual([pending, claimedInflight, u]);
	for (const record of listed) {
		expectWellFormed(record, `listed ${record.operation}`);
		expect(isFinished(record.state)).toBe(false);
	}
}

async function listsNothingForAnEmptyScope({ journal, scope, expect, fixture, created }: CaseContext) {
	await created(journal, fixture(`${scope}-other`, 'elsewhere'));
	expect(await journal.listUnfinished(scope)).toEqual([]);
}

/** listUnfinished(): what recovery resumes after a crash, in the order the operations began. */
export const listingCases: CaseGroup = {
	name: 'listUnfinished',
	cases: [
		{
			title: 'lists the pending, inflight and unknown records of one scope, oldest first',
			run: listsUnfinishedOldestFirst,
		},
		{ title: 'resolves an empty list for a scope with no records', run: listsNothingForAnEmptyScope },
	],
};
