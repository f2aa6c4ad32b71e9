import type { Journal } from './journal.js';
import { claimed, newRecord, settled } from './lifecycle.js';
import { isFinished, type JournalRecord, JournalRecordSchema, type RecordOutcome } from './record.js';

/**
The few assertions the suite needs. `expect` from vitest, jest and bun:test fits as is; for `node:test` pass
`(actual) => ({ toBe: (e) => assert.strictEqual(actual, e), toEqual: (e) => assert.deepStrictEqual(actual, e) })`.
*/
export type ConformanceAssertion = {
	/** `Object.is` equality. */
	toBe(expected: unknown): void;
	/** Deep (structural) equality. */
	toEqual(expected: unknown): void;
};

export type ConformanceTestApi = {
	describe: (name: string, body: () => void) => unknown;
	it: (name: string, body: () => Promise<void>) => unknown;
	expect: (actual: unknown, message?: string) => ConformanceAssertion;
	/** Accepted so a test framework's globals can be passed as they are; the suite does not need it. */
	beforeEach?: ((fn: () => unknown) => unknown) | undefined;
	/** When given (with `dispose`), journals are disposed of here; otherwise at the end of each test. */
	afterEach?: ((fn: () => unknown) => unknown) | undefined;
};

export type ConformanceOptions = {
	/**
	Concurrent `create` calls of one operation in the race test.
	@default 50
	*/
	raceSize?: number;
	/** Releases a journal made by `makeJournal` (close a connection, delete a temporary file). */
	dispose?: (journal: Journal) => unknown;
	/**
	Prefix of the scopes the suite writes; every test uses a fresh scope under it, so a shared database works. `collectGarbage` is journal-wide, though: the garbage-collection tests delete every finished record past its retention.
	@default 'idemkey-conformance'
	*/
	scopePrefix?: string;
};

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const uid = (): string =>
	typeof globalThis.crypto?.randomUUID === 'function'
		? globalThis.crypto.randomUUID()
		: `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;

const RETENTION_MS = 90_000;
const KEEP_MS = 86_400_000;

const copy = (record: JournalRecord): JournalRecord => JSON.parse(JSON.stringify(record)) as JournalRecord;

const attempt = (fn: () => void): void => {
	try {
		fn();
	} catch {
		// Frozen records refuse writes; refusing is as good as ignoring.
	}
};

/** Tries every kind of write a careless caller could make to a record it holds. */
function scribble(record: JournalRecord): void {
	const r = record as Mutable<JournalRecord>;
	attempt(() => {
		r.state = 'failed';
	});
	attempt(() => {
		r.key = 'scribbled';
	});
	attempt(() => {
		r.revision = 999;
	});
	attempt(() => {
		r.createdAt = 1;
	});
	attempt(() => {
		r.outcome?.headers.push(['x-scribbled', '1']);
	});
	attempt(() => {
		const first = r.outcome?.headers[0];
		if (first) first[1] = 'scribbled';
	});
	attempt(() => {
		if (r.outcome) (r.outcome as Mutable<RecordOutcome>).status = 599;
	});
	attempt(() => {
		r.request?.headers.push(['x-scribbled', '1']);
	});
	attempt(() => {
		if (r.request) r.request.url = 'http://scribbled.invalid/';
	});
}

/**
Runs the `Journal` contract against any implementation: atomic create-if-absent, compare-and-set on `revision`, scope isolation, listing, garbage collection, record fidelity and isolation from callers' objects. `makeJournal` is called once per test; return an empty journal, or one shared with other data (every test writes its own scope).

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
	const { expect } = t;
	const raceSize = options.raceSize ?? 50;
	const prefix = options.scopePrefix ?? 'idemkey-conformance';
	const dispose = options.dispose;
	const made: Journal[] = [];
	const disposeInAfterEach = dispose !== undefined && t.afterEach !== undefined;

	const test = (title: string, body: (journal: Journal, scope: string) => Promise<void>) =>
		t.it(title, async () => {
			const journal = await makeJournal();
			if (disposeInAfterEach) made.push(journal);
			try {
				await body(journal, `${prefix}:${uid()}`);
			} finally {
				if (dispose && !disposeInAfterEach) await dispose(journal);
			}
		});

	let serial = 0;
	/** A fresh pending record, as the runner writes it. */
	const fixture = (scope: string, operation: string, at = Date.now()): JournalRecord => {
		serial++;
		return newRecord({
			scope,
			operation,
			key: `key-${uid()}`,
			fingerprint: `fp-${serial}-${uid()}`,
			method: 'POST',
			path: `/bookings/${serial}`,
			now: at,
			retentionMs: RETENTION_MS,
			keepMs: KEEP_MS,
			request: {
				url: `https://api.example.test/v1/bookings/${serial}`,
				headers: [
					['content-type', 'application/json'],
					['x-request-id', `req-${serial}`],
				],
				body: btoa(`{"serial":${serial}}`),
			},
		});
	};

	const succeededOutcome = (body = '{"id":"b1","seats":2}'): RecordOutcome => ({
		status: 201,
		replayed: false,
		headers: [
			['content-type', 'application/json'],
			['x-idempotent-replayed', 'false'],
		],
		body,
	});

	/** Schema-valid, with every time and counter an integer number near now (epoch ms, not seconds or strings). */
	const expectWellFormed = (record: JournalRecord | undefined, where: string) => {
		expect(record !== undefined && record !== null, `${where}: a record`).toBe(true);
		const { issues = [] } = JournalRecordSchema['~standard'].validate(record);
		expect(
			issues.map((i) => `${i.path.join('.')}: ${i.message}`),
			`${where}: JournalRecordSchema issues`,
		).toEqual([]);
		const r = record as JournalRecord;
		for (const field of [
			'revision',
			'attemptsStarted',
			'attemptsFinished',
			'createdAt',
			'updatedAt',
		] as const) {
			expect(
				Number.isInteger(r[field]),
				`${where}: ${field} is an integer number (got ${String(r[field])})`,
			).toBe(true);
		}
		const now = Date.now();
		for (const field of ['createdAt', 'updatedAt'] as const) {
			const value = r[field];
			expect(
				value > now - 30 * 86_400_000 && value < now + 86_400_000,
				`${where}: ${field} ${String(value)} is epoch ms near Date.now() ${now}`,
			).toBe(true);
		}
	};

	const created = async (journal: Journal, record: JournalRecord): Promise<JournalRecord> => {
		const stored = await journal.create(record);
		expect(stored, 'create() of a new operation resolves to the record written').toEqual(record);
		return record;
	};

	const cas = async (journal: Journal, next: JournalRecord, what: string) => {
		expect(await journal.compareAndSet(next), `compareAndSet: ${what}`).toBe(true);
		return next;
	};

	t.describe(`${name} (Journal conformance)`, () => {
		if (disposeInAfterEach) {
			t.afterEach?.(async () => {
				for (const journal of made.splice(0)) await dispose?.(journal);
			});
		}

		t.describe('create', () => {
			test('stores a new record that get() reads back equal and well-formed', async (journal, scope) => {
				const record = fixture(scope, 'op-1');
				const stored = await journal.create(record);
				expect(stored).toEqual(record);
				expectWellFormed(stored, 'create() result');
				const read = await journal.get(scope, 'op-1');
				expect(read).toEqual(record);
				expectWellFormed(read, 'get() result');
			});

			test('returns the existing record unchanged when the operation already has one', async (journal, scope) => {
				const first = await created(journal, fixture(scope, 'op-1'));
				const claim = await cas(journal, claimed(first, first.createdAt + 5), 'claim the first record');
				const second = fixture(scope, 'op-1');
				const answer = await journal.create(second);
				expect(answer, 'create() of an existing operation resolves to the stored record').toEqual(claim);
				expect(answer.key).toBe(first.key);
				expect(await journal.get(scope, 'op-1'), 'the losing create wrote nothing').toEqual(claim);
			});

			test(`lets exactly one of ${raceSize} concurrent creates of one operation win, and every call resolves to its key`, async (journal, scope) => {
				const candidates = Array.from({ length: raceSize }, () => fixture(scope, 'raced'));
				const answers = await Promise.all(candidates.map((c) => journal.create(c)));
				const winner = candidates.find((c) => c.key === answers[0]?.key);
				expect(winner !== undefined, 'the winning key is one of the candidates').toBe(true);
				for (const answer of answers) expect(answer).toEqual(winner);
				expect(new Set(answers.map((a) => a.key)).size, 'distinct keys handed out').toBe(1);
				expect(await journal.get(scope, 'raced')).toEqual(winner);
			});

			test('stores every one of many concurrent creates of different operations', async (journal, scope) => {
				const records = Array.from({ length: 25 }, (_, i) => fixture(scope, `op-${i}`));
				const answers = await Promise.all(records.map((r) => journal.create(r)));
				expect(answers).toEqual(records);
				const read = await Promise.all(records.map((r) => journal.get(scope, r.operation)));
				expect(read).toEqual(records);
			});

			test('keeps operation ids and scopes with any characters apart and intact', async (journal, scope) => {
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
			});
		});

		t.describe('get', () => {
			test('resolves undefined for an operation never created', async (journal, scope) => {
				expect(await journal.get(scope, 'missing')).toBe(undefined);
				await created(journal, fixture(scope, 'present'));
				expect(await journal.get(scope, 'missing')).toBe(undefined);
			});
		});

		t.describe('scopes', () => {
			test('keeps the same operation id in two scopes as two independent records', async (journal, scope) => {
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
			});
		});

		t.describe('compareAndSet', () => {
			test('writes the claimed() transition: inflight, attemptsStarted + 1, revision + 1, readable back', async (journal, scope) => {
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
			});

			test('takes a whole lifecycle: claim, unknown, claim again, succeeded with its outcome', async (journal, scope) => {
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
			});

			test('lets exactly one of two writers from the same revision win', async (journal, scope) => {
				const record = await created(journal, fixture(scope, 'op-1'));
				const mine = claimed(record, record.createdAt + 1);
				const theirs = { ...claimed(record, record.createdAt + 2), state: 'unknown' as const };
				expect(await journal.compareAndSet(mine)).toBe(true);
				expect(await journal.compareAndSet(theirs), 'the second writer read a stale revision').toBe(false);
				expect(await journal.get(scope, 'op-1')).toEqual(mine);
			});

			test('lets exactly one of many concurrent writers from the same revision win', async (journal, scope) => {
				const record = await created(journal, fixture(scope, 'op-1'));
				const writers = Array.from({ length: 20 }, (_, i) => claimed(record, record.createdAt + i + 1));
				const results = await Promise.all(writers.map((w) => journal.compareAndSet(w)));
				expect(results.filter(Boolean).length, 'writes accepted').toBe(1);
				const winner = writers[results.indexOf(true)];
				expect(await journal.get(scope, 'op-1')).toEqual(winner);
			});

			test('rejects a write whose revision is not exactly the stored one plus one, writing nothing', async (journal, scope) => {
				const record = await created(journal, fixture(scope, 'op-1'));
				const current = await cas(journal, claimed(record, record.createdAt + 1), 'first claim');
				const base = settled(current, 'unknown', current.updatedAt + 1);
				for (const revision of [current.revision + 2, current.revision, current.revision - 1, 0]) {
					const accepted = await journal.compareAndSet({ ...base, revision });
					expect(accepted, `a write at revision ${revision} over stored ${current.revision}`).toBe(false);
					expect(await journal.get(scope, 'op-1'), `after the refused revision ${revision}`).toEqual(current);
				}
				expect(await journal.compareAndSet(base), 'the right revision is still accepted').toBe(true);
			});

			test('refuses a write to a missing record and creates nothing', async (journal, scope) => {
				const ghost = claimed(fixture(scope, 'ghost'), Date.now());
				expect(await journal.compareAndSet(ghost)).toBe(false);
				expect(await journal.compareAndSet({ ...ghost, revision: 1 })).toBe(false);
				expect(await journal.get(scope, 'ghost')).toBe(undefined);
				expect(await journal.listUnfinished(scope)).toEqual([]);
			});
		});

		t.describe('listUnfinished', () => {
			test('lists the pending, inflight and unknown records of one scope, oldest first', async (journal, scope) => {
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
			});

			test('resolves an empty list for a scope with no records', async (journal, scope) => {
				await created(journal, fixture(`${scope}-other`, 'elsewhere'));
				expect(await journal.listUnfinished(scope)).toEqual([]);
			});
		});

		t.describe('collectGarbage', () => {
			test('deletes only finished records at or past retainUntil, never unfinished ones, and counts them', async (journal, scope) => {
				const now = Date.now();
				// Start from a journal with nothing collectable at `now` (it may be shared with other data).
				await journal.collectGarbage(now);

				const finish = async (
					operation: string,
					state: 'succeeded' | 'failed' | 'unknown' | 'inflight' | 'pending',
					retainUntil: number,
				) => {
					const record = await created(journal, fixture(scope, operation, now - 120_000));
					if (state === 'pending') {
						const next = { ...claimed(record, now - 100_000), state, retainUntil };
						return cas(journal, next, `${operation} pending`);
					}
					const c = claimed(record, now - 100_000);
					if (state === 'inflight') return cas(journal, { ...c, retainUntil }, `${operation} inflight`);
					await cas(journal, c, `${operation} claim`);
					const outcome = state === 'unknown' ? undefined : succeededOutcome();
					return cas(journal, { ...settled(c, state, now - 90_000, outcome), retainUntil }, operation);
				};

				await finish('old-succeeded', 'succeeded', now - 1_000);
				await finish('old-failed', 'failed', now - 50_000);
				await finish('due-now-succeeded', 'succeeded', now);
				const young = await finish('young-succeeded', 'succeeded', now + 60_000);
				const youngFailed = await finish('young-failed', 'failed', now + 1);
				const oldUnknown = await finish('old-unknown', 'unknown', now - 1_000);
				const oldInflight = await finish('old-inflight', 'inflight', now - 1_000);
				const oldPending = await finish('old-pending', 'pending', now - 1_000);

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
			});

			test('lets a collected operation be created again', async (journal, scope) => {
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
			});
		});

		t.describe('record fidelity', () => {
			test('keeps times and counters as integer epoch-ms numbers', async (journal, scope) => {
				const before = Date.now();
				const record = await created(journal, fixture(scope, 'op-1', before));
				const read = await journal.get(scope, 'op-1');
				expectWellFormed(read, 'get()');
				for (const field of ['createdAt', 'updatedAt', 'expiresAt', 'retainUntil', 'revision'] as const) {
					expect(typeof read?.[field], `${field} type`).toBe('number');
					expect(read?.[field], field).toBe(record[field]);
				}
				const next = await cas(journal, claimed(record, Date.now()), 'claim');
				const after = await journal.get(scope, 'op-1');
				expectWellFormed(after, 'after claim');
				expect(after?.updatedAt).toBe(next.updatedAt);
				expect(typeof after?.attemptsStarted).toBe('number');
			});

			test('round-trips a record with every optional field, a null key and a null expiry', async (journal, scope) => {
				const record: JournalRecord = {
					...fixture(scope, 'full'),
					key: null,
					expiresAt: null,
				};
				await created(journal, record);
				const claim = claimed(record, record.createdAt + 1);
				await cas(journal, claim, 'claim');
				const outcome: RecordOutcome = {
					status: 422,
					replayed: null,
					headers: [
						['content-type', 'application/problem+json; charset=utf-8'],
						['link', '<https://example.test/a>; rel="help"'],
						['x-empty', ''],
					],
					body: '{"type":"https://example.test/probs/out-of-stock","detail":"Ünïcödé ✓ 🚀 \\"quoted\\"\\n"}',
					bodyTruncated: false,
					error: 'rejected',
				};
				const done = await cas(journal, settled(claim, 'failed', claim.updatedAt + 1, outcome), 'failed');
				const read = await journal.get(scope, 'full');
				expect(read).toEqual(done);
				expect(read?.key).toBe(null);
				expect(read?.expiresAt).toBe(null);
				expectWellFormed(read, 'full record');
			});

			test('round-trips a record without optional fields, adding none', async (journal, scope) => {
				const { request: _request, ...bare } = fixture(scope, 'bare');
				await created(journal, bare);
				const read = await journal.get(scope, 'bare');
				expect(read).toEqual(bare);
				expectWellFormed(read, 'bare record');
				expect(
					read !== undefined && 'request' in read && read.request !== undefined,
					'no request added',
				).toBe(false);
				expect(
					read !== undefined && 'outcome' in read && read.outcome !== undefined,
					'no outcome added',
				).toBe(false);
			});

			test('round-trips a 64 KiB response body byte for byte', async (journal, scope) => {
				const record = await created(journal, fixture(scope, 'big'));
				const claim = await cas(journal, claimed(record, record.createdAt + 1), 'claim');
				const body = JSON.stringify({ blob: 'é🚀x'.repeat(5_000), tail: 'x'.repeat(65_536 - 5_000 * 7) });
				const done = await cas(
					journal,
					settled(claim, 'succeeded', claim.updatedAt + 1, succeededOutcome(body)),
					'succeeded',
				);
				const read = await journal.get(scope, 'big');
				expect(read?.outcome?.body?.length).toBe(body.length);
				expect(read?.outcome?.body === body, 'body identical').toBe(true);
				expect(read).toEqual(done);
			});
		});

		t.describe('isolation from callers', () => {
			test('is not changed by mutating a record after create()', async (journal, scope) => {
				const record = fixture(scope, 'op-1');
				const expected = copy(record);
				const answer = await journal.create(record);
				scribble(record);
				scribble(answer);
				expect(await journal.get(scope, 'op-1')).toEqual(expected);
			});

			test('is not changed by mutating a record after compareAndSet()', async (journal, scope) => {
				const record = await created(journal, fixture(scope, 'op-1'));
				const claim = await cas(journal, claimed(record, record.createdAt + 1), 'claim');
				const next = settled(claim, 'succeeded', claim.updatedAt + 1, succeededOutcome());
				const expected = copy(next);
				await cas(journal, next, 'succeeded');
				scribble(next);
				expect(await journal.get(scope, 'op-1')).toEqual(expected);
			});

			test('is not changed by mutating the records it hands out', async (journal, scope) => {
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
			});
		});
	});
}
