import type { Journal } from '../../journal/journal.js';
import type { ConformanceOptions, ConformanceTestApi } from './api.js';
import { type CaseContext, type CaseGroup, type ConformanceCase, checksFor } from './case.js';
import { compareAndSetCases } from './cases/compare-and-set.js';
import { createCases } from './cases/create.js';
import { fidelityCases } from './cases/fidelity.js';
import { garbageCollectionCases } from './cases/garbage-collection.js';
import { isolationCases } from './cases/isolation.js';
import { leaseCases } from './cases/leases.js';
import { listingCases } from './cases/listing.js';
import { getCases, scopeCases } from './cases/lookup.js';
import { recordMaker, uid } from './records.js';

/** The contract, in the order a reader meets it: writing, reading, racing, leasing, listing, forgetting, keeping
intact. */
const CONFORMANCE_GROUPS: readonly CaseGroup[] = [
	createCases,
	getCases,
	scopeCases,
	compareAndSetCases,
	leaseCases,
	listingCases,
	garbageCollectionCases,
	fidelityCases,
	isolationCases,
];

/**
Runs the `Journal` contract against any implementation: atomic create-if-absent, compare-and-set on `revision`, leases and fences, scope isolation, listing, garbage collection, record fidelity and isolation from callers' objects. `makeJournal` is called once per test; return an empty journal, or one shared with other data (every test writes its own scope).

```ts
import { describe, it, expect } from 'vitest';
import { runJournalConformance } from 'idemkey/testing';
runJournalConformance('FileJournal', () => new FileJournal(tmpDir()), { describe, it, expect });
```
*/
export function runJournalConformance(
	name: string,
	makeJournal: () => Journal | Promise<Journal>,
	t: ConformanceTestApi,
	options: ConformanceOptions = {},
): void {
	const raceSize = options.raceSize ?? 50;
	const prefix = options.scopePrefix ?? 'idemkey-conformance';
	const { dispose } = options;
	// The framework's afterEach runs even after a test that timed out; `finally` is the fallback without one.
	const disposeInAfterEach = dispose !== undefined && t.afterEach !== undefined;
	const made: Journal[] = [];
	const shared = { expect: t.expect, raceSize, fixture: recordMaker(), ...checksFor(t.expect) };

	const register = (test: ConformanceCase) =>
		t.it(typeof test.title === 'string' ? test.title : test.title({ raceSize }), async () => {
			const journal = await makeJournal();
			if (disposeInAfterEach) made.push(journal);
			const context: CaseContext = { ...shared, journal, scope: `${prefix}:${uid()}` };
			try {
				await test.run(context);
			} finally {
				if (dispose && !disposeInAfterEach) await dispose(journal);
			}
		});

	t.describe(`${name} (Journal conformance)`, () => {
		if (disposeInAfterEach) {
			t.afterEach?.(async () => {
				for (const journal of made.splice(0)) await dispose?.(journal);
			});
		}
		for (const group of CONFORMANCE_GROUPS) t.describe(group.name, () => group.cases.forEach(register));
	});
}
