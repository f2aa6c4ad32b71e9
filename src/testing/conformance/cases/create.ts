import { claimed } from '../../../journal/lifecycle.js';
import type { CaseContext, CaseGroup } from '../case.js';

async function storesANewRecord({ journal, scope, expect, fixture, expectWellFormed }: CaseContext) {
	const record = fixture(scope, 'op-1');
	const stored = await journal.create(record);
	expect(stored).toEqual(record);
	expectWellFormed(stored, 'create() result');
	const read = await journal.get(scope, 'op-1');
	expect(read).toEqual(record);
	expectWellFormed(read, 'get() result');
}

// The runner learns the key of an operation created elsewhere from this answer; the caller's own record would
// hand it a key the server never saw.
async function returnsTheExistingRecord({ journal, scope, expect, fixture, created, cas }: CaseContext) {
	const first = await created(journal, fixture(scope, 'op-1'));
	const claim = await cas(journal, claimed(first, first.createdAt + 5), 'claim the first record');
	const second = fixture(scope, 'op-1');
	const answer = await journal.create(second);
	expect(answer, 'create() of an existing operation resolves to the stored record').toEqual(claim);
	expect(answer.key).toBe(first.key);
	expect(await journal.get(scope, 'op-1'), 'the losing create wrote nothing').toEqual(claim);
}

async function oneOfManyConcurrentCreatesWins({ journal, scope, expect, fixture, raceSize }: CaseContext) {
	const candidates = Array.from({ length: raceSize }, () => fixture(scope, 'raced'));
	const answers = await Promise.all(candidates.map((c) => journal.create(c)));
	const winner = candidates.find((c) => c.key === answers[0]?.key);
	expect(winner !== undefined, 'the winning key is one of the candidates').toBe(true);
	for (const answer of answers) expect(answer).toEqual(winner);
	expect(new Set(answers.map((a) => a.key)).size, 'distinct keys handed out').toBe(1);
	expect(await journal.get(scope, 'raced')).toEqual(winner);
}

async function storesConcurrentCreatesOfDifferentOperations({
	journal,
	scope,
	expect,
	fixture,
}: CaseContext) {
	const records = Array.from({ length: 25 }, (_, i) => fixture(scope, `op-${i}`));
	const answers = await Promise.all(records.map((r) => journal.create(r)));
	expect(answers).toEqual(records);
	const read = await Promise.all(records.map((r) => journal.get(scope, r.operation)));
	expect(read).toEqual(records);
}

async function keepsOddIdsApart({ journal, scope, expect, fixture, created }: CaseContext) {
	const odd = `book:u42/c7 "quoted" 'single' \\ %2F ünïcödé 🚀 ${'x'.repeat(300)}`;
	const record = await created(journal, fixture(`${scope}/ünï "😀"`, odd));
	expect(await journal.get(`${scope}/ünï "😀"`, odd)).toEqual(record);
	expect(await journal.get(`${scope}/ünï "😀"`, odd.slice(0, -1))).toBe(undefined);
	// A journal that joins scope and operation with a printable separator would mix these two up.
	const a = await created(journal, fixture(`${scope}:a`, 'b:c'));
	const b = await created(journal, fixture(`${scope}:a:b`, 'c'));
	expect(await journal.get(`${scope}:a`, 'b:c')).toEqual(a);
	expect(await journal.get(`${scope}:a:b`, 'c')).toEqual(b);
	// ... and one that joins them with NUL (or any other character) would mix these up.
	const c = await created(journal, fixture(`${scope}\u0000a`, 'b'));
	const d = await created(journal, fixture(scope, 'a\u0000b'));
	expect(await journal.get(`${scope}\u0000a`, 'b')).toEqual(c);
	expect(await journal.get(scope, 'a\u0000b')).toEqual(d);
}

/** Create-if-absent: the one write that decides which caller's key an operation is sent with. */
export const createCases: CaseGroup = {
	name: 'create',
	cases: [
		{ title: 'stores a new record that get() reads back equal and well-formed', run: storesANewRecord },
		{
			title: 'returns the existing record unchanged when the operation already has one',
			run: returnsTheExistingRecord,
		},
		{
			title: ({ raceSize }) =>
				`lets exactly one of ${raceSize} concurrent creates of one operation win, and every call resolves to its key`,
			run: oneOfManyConcurrentCreatesWins,
		},
		{
			title: 'stores every one of many concurrent creates of different operations',
			run: storesConcurrentCreatesOfDifferentOperations,
		},
		{ title: 'keeps operation ids and scopes with any characters apart and intact', run: keepsOddIdsApart },
	],
};
