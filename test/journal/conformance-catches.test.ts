import { describe, expect, it } from 'vitest';
import type { Journal } from '../../src/journal/journal.js';
import { isCollectable, isFinished, type JournalRecord } from '../../src/journal/record.js';
import { type ConformanceTestApi, runJournalConformance } from '../../src/testing/index.js';

type Flaw =
	| 'none'
	| 'racy-create'
	| 'create-overwrites'
	| 'create-returns-own'
	| 'cas-ignores-revision'
	| 'cas-accepts-gaps'
	| 'cas-stale-says-true'
	| 'cas-upserts'
	| 'racy-cas'
	| 'list-insertion-order'
	| 'list-includes-finished'
	| 'list-all-scopes'
	| 'gc-unfinished'
	| 'gc-strictly-before'
	| 'gc-no-count'
	| 'string-times'
	| 'seconds'
	| 'colon-ids'
	| 'nul-ids'
	| 'shallow-copy'
	| 'null-for-missing'
	| 'null-optionals'
	| 'drops-lease'
	| 'clock-in-seconds'
	| 'clock-goes-back';

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

/** A journal that is correct except for one deliberate flaw. */
class FlawedJournal implements Journal {
	readonly #records = new Map<string, JournalRecord>();
	#ticks = 0;
	constructor(readonly flaw: Flaw) {
		if (flaw === 'clock-in-seconds') this.now = async () => Math.floor(Date.now() / 1000);
		// A store whose replicas disagree: each read is answered by another one, some seconds behind.
		if (flaw === 'clock-goes-back') this.now = async () => Date.now() - (this.#ticks++ % 2) * 3_000;
	}
	now?: () => Promise<number>;

	#id(scope: string, operation: string) {
		if (this.flaw === 'colon-ids') return `${scope}:${operation}`;
		if (this.flaw === 'nul-ids') return `${scope}\u0000${operation}`;
		return JSON.stringify([scope, operation]);
	}
	#in(record: JournalRecord): JournalRecord {
		if (this.flaw === 'shallow-copy') return { ...record };
		const copy = structuredClone(record);
		// A store with a column per field it knew of before leases.
		if (this.flaw === 'drops-lease') {
			delete copy.lease;
			delete copy.interruptions;
			delete copy.setAsideAt;
		}
		if (this.flaw === 'seconds') {
			copy.createdAt = Math.floor(copy.createdAt / 1000);
			copy.updatedAt = Math.floor(copy.updatedAt / 1000);
		}
		return copy;
	}
	#out(record: JournalRecord): JournalRecord {
		if (this.flaw === 'shallow-copy') return record;
		const copy = structuredClone(record);
		if (this.flaw === 'seconds') {
			copy.createdAt *= 1000;
			copy.updatedAt *= 1000;
		}
		if (this.flaw === 'string-times') return { ...copy, createdAt: String(copy.createdAt) as never };
		if (this.flaw === 'null-optionals') return { outcome: null as never, request: null as never, ...copy };
		return copy;
	}

	async create(record: JournalRecord) {
		const id = this.#id(record.scope, record.operation);
		const existing = this.#records.get(id);
		if (this.flaw === 'racy-create') await tick();
		// Writes nothing over an existing record, but hands back the caller's record instead of the stored one.
		if (existing && this.flaw === 'create-returns-own') return this.#out(record);
		if (existing && this.flaw !== 'create-overwrites') return this.#out(existing);
		this.#records.set(id, this.#in(record));
		return this.#out(this.#records.get(id) as JournalRecord);
	}
	async get(scope: string, operation: string) {
		const found = this.#records.get(this.#id(scope, operation));
		if (!found) return this.flaw === 'null-for-missing' ? (null as never) : undefined;
		return this.#out(found);
	}
	async compareAndSet(next: JournalRecord) {
		const id = this.#id(next.scope, next.operation);
		const current = this.#records.get(id);
		if (this.flaw === 'racy-cas') await tick();
		if (!current && this.flaw !== 'cas-upserts') return false;
		if (this.flaw === 'cas-accepts-gaps') {
			// Refuses stale and equal revisions, but accepts any newer one (revision + 2, + 3, ...).
			if (current && next.revision <= current.revision) return false;
		} else if (current && current.revision !== next.revision - 1 && this.flaw !== 'cas-ignores-revision') {
			// Writes nothing, as it should, but reports the stale write as accepted.
			return this.flaw === 'cas-stale-says-true';
		}
		this.#records.set(id, this.#in(next));
		return true;
	}
	async listUnfinished(scope: string) {
		const out = [...this.#records.values()]
			.filter((r) => this.flaw === 'list-all-scopes' || r.scope === scope)
			.filter((r) => this.flaw === 'list-includes-finished' || !isFinished(r.state))
			.map((r) => this.#out(r));
		return this.flaw === 'list-insertion-order' ? out : out.sort((a, b) => a.createdAt - b.createdAt);
	}
	async collectGarbage(now: number) {
		let removed = 0;
		for (const [id, record] of this.#records) {
			const due =
				this.flaw === 'gc-unfinished'
					? record.retainUntil <= now
					: this.flaw === 'gc-strictly-before'
						? isFinished(record.state) && record.retainUntil < now
						: isCollectable(record, now);
			if (due) {
				this.#records.delete(id);
				removed++;
			}
		}
		return this.flaw === 'gc-no-count' ? 0 : removed;
	}
}

/** Runs the suite through a stand-in test API and reports which of its tests failed. */
async function failuresFor(
	flaw: Flaw,
	{ withAfterEach = true } = {},
): Promise<{ total: number; failed: string[] }> {
	const tests: { title: string; body: () => Promise<void> }[] = [];
	const afterEachHooks: (() => unknown)[] = [];
	const path: string[] = [];
	const api: ConformanceTestApi = {
		describe: (name, body) => {
			path.push(name);
			body();
			path.pop();
		},
		it: (name, body) => {
			tests.push({ title: [...path, name].join(' > '), body });
		},
		expect,
		...(withAfterEach
			? {
					afterEach: (fn: () => unknown) => {
						afterEachHooks.push(fn);
					},
				}
			: {}),
	};
	const made = new Set<Journal>();
	const disposed = new Set<Journal>();
	const makeJournal = () => {
		const journal = new FlawedJournal(flaw);
		made.add(journal);
		return journal;
	};
	let disposals = 0;
	runJournalConformance(`Flawed(${flaw})`, makeJournal, api, {
		dispose: (j) => {
			disposals++;
			disposed.add(j);
		},
	});
	const failed: string[] = [];
	for (const test of tests) {
		try {
			await test.body();
		} catch {
			failed.push(test.title);
		}
		for (const hook of afterEachHooks) await hook();
		// Each test's journal is released once it ends (passed or failed), not left for the end of the run.
		expect(
			[...made].filter((j) => !disposed.has(j)),
			`journals left undisposed after ${test.title}`,
		).toEqual([]);
	}
	expect(made.size).toBe(tests.length);
	expect(disposals, 'each journal disposed of once').toBe(tests.length);
	return { total: tests.length, failed };
}

describe('the journal conformance suite', () => {
	it('passes a correct journal and disposes of every journal it made', async () => {
		const { total, failed } = await failuresFor('none');
		// Every case of the contract: a case dropped when the suite's groups are rearranged fails here.
		expect(total).toBe(30);
		expect(failed).toEqual([]);
	});

	it('disposes of each journal at the end of its test, failed ones included, when the framework has no afterEach', async () => {
		const { total, failed } = await failuresFor('shallow-copy', { withAfterEach: false });
		expect(total).toBe(30);
		expect(failed.length).toBeGreaterThan(0);
	});

	it.each<[Flaw, string[]]>([
		['racy-create', ['concurrent creates of one operation']],
		['create-overwrites', ['returns the existing record unchanged']],
		['create-returns-own', ['returns the existing record unchanged', 'concurrent creates of one operation']],
		['cas-ignores-revision', ['two writers from the same revision', 'not exactly the stored one plus one']],
		['cas-accepts-gaps', ['not exactly the stored one plus one']],
		[
			'cas-stale-says-true',
			[
				'two writers from the same revision',
				'many concurrent writers from the same revision',
				'not exactly the stored one plus one',
			],
		],
		['cas-upserts', ['refuses a write to a missing record']],
		['racy-cas', ['many concurrent writers from the same revision']],
		['list-insertion-order', ['oldest first']],
		['list-includes-finished', ['oldest first']],
		['list-all-scopes', ['oldest first', 'empty list for a scope']],
		['gc-unfinished', ['deletes only finished records']],
		['gc-strictly-before', ['deletes only finished records']],
		['gc-no-count', ['deletes only finished records']],
		['string-times', ['integer epoch-ms numbers']],
		['seconds', ['integer epoch-ms numbers']],
		['colon-ids', ['apart and intact']],
		['nul-ids', ['apart and intact']],
		[
			'shallow-copy',
			[
				'mutating a record after create()',
				'mutating a record after compareAndSet()',
				'mutating the records it hands out',
			],
		],
		['null-for-missing', ['resolves undefined for an operation never created']],
		['null-optionals', ['without optional fields']],
		['drops-lease', ['keeps a takeover as written', 'keeps each renewal', 'keeps an operation set aside']],
		['clock-in-seconds', ['tells the time with now()']],
		['clock-goes-back', ['tells the time with now()']],
	])('catches a journal with the flaw %s', async (flaw, expected) => {
		const { failed } = await failuresFor(flaw);
		for (const part of expected) {
			expect(
				failed.some((title) => title.includes(part)),
				`a failing test mentioning "${part}"`,
			).toBe(true);
		}
	});
});
