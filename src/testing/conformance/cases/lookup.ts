import { claimed } from '../../../journal/lifecycle.js';
import type { CaseContext, CaseGroup } from '../case.js';

async function missingIsUndefined({ journal, scope, expect, fixture, created }: CaseContext) {
	expect(await journal.get(scope, 'missing')).toBe(undefined);
	await created(journal, fixture(scope, 'present'));
	expect(await journal.get(scope, 'missing')).toBe(undefined);
}

async function scopesAreIndependent({ journal, scope, expect, fixture, created, cas }: CaseContext) {
	const other = `${scope}-other`;
	const mine = await created(journal, fixture(scope, 'shared-op'));
	const theirs = await created(journal, fixture(other, 'shared-op'));
	expect(theirs.key === mine.key).toBe(false);
	expect(await journal.get(scope, 'shared-op')).toEqual(mine);
	expect(await journal.get(other, 'shared-op')).toEqual(theirs);

	const claim = await cas(journal, claimed(mine, mine.createdAt + 1), 'claim in the first scope');
	expect(await journal.get(other, 'shared-op'), 'the other scope is untouched').toEqual(theirs);
	expect(await journal.get(scope, 'shared-op')).toEqual(claim);
	expect(await journal.get(`${scope}-never`, 'shared-op')).toBe(undefined);
}

/** get(): a missing record reads as `undefined` (not `null`), which is how the runner knows to create one. */
export const getCases: CaseGroup = {
	name: 'get',
	cases: [{ title: 'resolves undefined for an operation never created', run: missingIsUndefined }],
};

/** Scopes: two tenants (or users) may use the same operation id without sharing a key. */
export const scopeCases: CaseGroup = {
	name: 'scopes',
	cases: [
		{
			title: 'keeps the same operation id in two scopes as two independent records',
			run: scopesAreIndependent,
		},
	],
};
