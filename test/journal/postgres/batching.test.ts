import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { JournalError } from '../../../src/errors/classes.js';
import { claimed } from '../../../src/journal/lifecycle.js';
import type { JournalRecord } from '../../../src/journal/record.js';
import { PostgresJournal, type PostgresPool } from '../../../src/postgres.js';
import { recordMaker, uid } from '../../../src/testing/conformance/records.js';
import { postgresFixture } from './fixture.js';

const { poolOf, admin } = postgresFixture();
const fixture = recordMaker();
const scope = () => `tenant-${uid()}`;

/** What a pool was asked to run: each statement's first words and how many rows its arrays carried. */
type Sent = { statement: string; rows: number };

/**
A pool of one connection that records the statements run on it. `hold()` takes the connection away until the returned
function gives it back: calls made meanwhile queue in the journal, and go out together once it is back. A statement
`cancelled` names fails as the server fails a cancelled one (57014), unsent.
*/
function watchedPool(via: 'direct' | 'bouncer' = 'direct', cancelled?: (statement: string) => boolean) {
	const pool = poolOf(via, { max: 1 });
	const sent: Sent[] = [];
	const watched: PostgresPool = {
		on: (event, listener) => pool.on(event, listener),
		async connect() {
			const client = await pool.connect();
			return {
				query(config) {
					const first = config.values?.[0];
					sent.push({
						statement: config.text.trim().split(/\s+/).slice(0, 2).join(' '),
						rows: Array.isArray(first) ? first.length : 1,
					});
					if (cancelled?.(config.text)) {
						const error = Object.assign(new Error('canceling statement due to user request'), {
							code: '57014',
						});
						return Promise.reject(error);
					}
					return client.query(config);
				},
				release: (error) => client.release(error),
				on: (event, listener) => client.on(event, listener),
				removeListener: (event, listener) => client.removeListener(event, listener),
			};
		},
	};
	const hold = async () => {
		const client = await pool.connect();
		return () => client.release();
	};
	return { pool: watched, sent, hold };
}

/** Locks the journal's table against writes until the returned function is called. */
async function lockedTable(): Promise<() => Promise<void>> {
	const locker = await admin().connect();
	await locker.query('BEGIN');
	await locker.query('LOCK TABLE idemkey_journal IN SHARE MODE');
	return async () => {
		await locker.query('COMMIT');
		locker.release();
	};
}

/** Resolves once the server shows a statement of the journal waiting for a lock; its backend's pid. */
async function waitingOnLock(): Promise<number> {
	for (const until = Date.now() + 10_000; Date.now() < until; ) {
		const { rows } = await admin().query(
			`SELECT pid FROM pg_stat_activity
			WHERE wait_event_type = 'Lock' AND query LIKE '%unnest%' AND pid <> pg_backend_pid()`,
		);
		if (rows[0]) return rows[0].pid as number;
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
	throw new Error('no batch statement ever waited for the lock');
}

describe('concurrent calls of one journal', () => {
	it('share one statement per kind, and each create gets its own answer: created, or the record stored before', async () => {
		const { pool, sent, hold } = watchedPool();
		const journal = new PostgresJournal({ pool });
		const s = scope();
		const existing = await Promise.all(
			['old-1', 'old-2', 'old-3'].map((op) => journal.create(fixture(s, op))),
		);
		sent.length = 0;

		const giveBack = await hold();
		const fresh = Array.from({ length: 12 }, (_, i) => fixture(s, `new-${i}`));
		const rivals = existing.map((record) => fixture(s, record.operation));
		const calls = [...fresh, ...rivals].map((record) => journal.create(record));
		giveBack();
		const answers = await Promise.all(calls);

		expect(answers.slice(0, 12)).toEqual(fresh);
		expect(answers.slice(12), 'the records stored first, not the rivals').toEqual(existing);
		expect(sent).toEqual([
			{ statement: 'INSERT INTO', rows: 15 },
			{ statement: 'SELECT u.n::int', rows: 3 },
		]);
		for (const record of fresh) expect(await journal.get(s, record.operation)).toEqual(record);
		expect(await journal.get(s, 'old-2')).toEqual(existing[1]);
	});

	it('answer a create its batch inserted as created, even when the read of the rows it met fails after', async () => {
		const { pool, hold } = watchedPool('direct', (text) => text.startsWith('SELECT u.n'));
		const journal = new PostgresJournal({ pool });
		const s = scope();
		const stored = await journal.create(fixture(s, 'old'));

		const giveBack = await hold();
		const fresh = fixture(s, 'new');
		const calls = [journal.create(fresh), journal.create(fixture(s, 'old'))].map((call) =>
			call.then(
				(value) => ({ value }),
				(error: unknown) => ({ error }),
			),
		);
		giveBack();
		const [inserted, met] = await Promise.all(calls);

		expect(inserted).toEqual({ value: fresh });
		expect((met as { error: unknown }).error).toBeInstanceOf(JournalError);
		expect(await journal.get(s, 'new')).toEqual(fresh);
		expect(await journal.get(s, 'old')).toEqual(stored);
	});

	it('share one compareAndSet statement, each true only where the stored revision was the one it expected', async () => {
		const { pool, sent, hold } = watchedPool();
		const journal = new PostgresJournal({ pool });
		const s = scope();
		const stored = await Promise.all(
			Array.from({ length: 10 }, (_, i) => journal.create(fixture(s, `op-${i}`))),
		);
		sent.length = 0;

		const giveBack = await hold();
		const next = stored.map((record, i) => {
			const claim = claimed(record, record.createdAt + 1);
			// Every third a revision ahead of the stored one: stale, as a writer that missed a write has it.
			return i % 3 === 0 ? { ...claim, revision: claim.revision + 1 } : claim;
		});
		const missing = claimed(fixture(s, 'never-created'), Date.now());
		const calls = [...next, missing].map((record) => journal.compareAndSet(record));
		giveBack();
		const results = await Promise.all(calls);

		expect(results).toEqual([...next.map((_, i) => i % 3 !== 0), false]);
		expect(sent).toEqual([{ statement: 'WITH locked', rows: 11 }]);
		for (const [i, record] of stored.entries()) {
			expect(await journal.get(s, record.operation)).toEqual(i % 3 === 0 ? record : next[i]);
		}
		expect(await journal.get(s, 'never-created')).toBe(undefined);
	});

	it('send two calls of one row in separate statements: one create wins, one compareAndSet of a revision wins', async () => {
		const { pool, sent, hold } = watchedPool('bouncer');
		const journal = new PostgresJournal({ pool });
		const s = scope();
		let giveBack = await hold();
		const candidates = Array.from({ length: 4 }, () => fixture(s, 'same'));
		const creates = candidates.map((record) => journal.create(record));
		giveBack();
		const answers = await Promise.all(creates);
		for (const answer of answers) expect(answer).toEqual(candidates[0]);
		expect(
			sent.map((statement) => statement.rows),
			'one statement each',
		).toEqual([1, 1, 1, 1]);

		giveBack = await hold();
		const first = answers[0] as JournalRecord;
		const claims = [claimed(first, first.createdAt + 1), claimed(first, first.createdAt + 2)];
		const results = claims.map((claim) => journal.compareAndSet(claim));
		giveBack();
		// The first goes first and wins; the second, sent after it, finds the revision taken.
		expect(await Promise.all(results)).toEqual([true, false]);
		expect(await journal.get(s, 'same')).toEqual(claims[0]);
	});

	it('lets a queued call leave with its signal, sending nothing for it; its batch-mates are written', async () => {
		const { pool, sent, hold } = watchedPool();
		const journal = new PostgresJournal({ pool });
		const s = scope();
		const giveBack = await hold();
		const stop = new AbortController();
		const reason = new Error('caller left');
		const leaving = journal.create(fixture(s, 'leaving'), { signal: stop.signal });
		const staying = [1, 2].map((i) => fixture(s, `staying-${i}`));
		const calls = staying.map((record) => journal.create(record));
		stop.abort(reason);
		await expect(leaving).rejects.toBe(reason);
		giveBack();
		expect(await Promise.all(calls)).toEqual(staying);
		expect(sent).toEqual([{ statement: 'INSERT INTO', rows: 2 }]);
		expect(await journal.get(s, 'leaving')).toBe(undefined);
	});

	it('waits for the answer of a call whose statement was sent, even once its signal aborts', async () => {
		const { pool, hold } = watchedPool();
		const journal = new PostgresJournal({ pool });
		const s = scope();
		const unlock = await lockedTable();
		const giveBack = await hold();
		const stop = new AbortController();
		const records = [fixture(s, 'a'), fixture(s, 'b')];
		const calls = records.map((record) => journal.create(record, { signal: stop.signal }));
		giveBack();
		await waitingOnLock();
		stop.abort(new Error('too late'));
		await unlock();
		expect(await Promise.all(calls)).toEqual(records);
		expect(await journal.get(s, 'b')).toEqual(records[1]);
	});
});

describe('a batch with an item the server refuses', () => {
	// Random bytes do not compress: past ~2.7 kB the key no longer fits a btree index entry (SQLSTATE 54000).
	const tooLong = () => randomBytes(3_000).toString('base64');

	it('fails that create alone, with its own JournalError; the others are created', async () => {
		const { pool, sent, hold } = watchedPool();
		const journal = new PostgresJournal({ pool });
		const s = scope();
		const giveBack = await hold();
		const good = [fixture(s, 'a'), fixture(s, 'b')];
		const bad = fixture(s, tooLong());
		const calls = [good[0], bad, good[1]].map((record) =>
			journal.create(record as JournalRecord).catch((error: unknown) => error),
		);
		giveBack();
		const [a, refused, b] = await Promise.all(calls);
		expect([a, b]).toEqual(good);
		expect(refused).toBeInstanceOf(JournalError);
		expect((refused as Error).message).toMatch(/use shorter scopes and operation ids.*Nothing was written/);
		expect((refused as JournalError).operation).toBe(bad.operation);
		expect(sent[0]).toEqual({ statement: 'INSERT INTO', rows: 3 });
		for (const record of good) expect(await journal.get(s, record.operation)).toEqual(record);
	});

	it('fails that compareAndSet alone; the others are written', async () => {
		const { pool, hold } = watchedPool('bouncer');
		const journal = new PostgresJournal({ pool });
		const s = scope();
		const stored = await Promise.all(['a', 'b', 'c'].map((op) => journal.create(fixture(s, op))));
		const giveBack = await hold();
		const next = stored.map((record) => claimed(record, record.createdAt + 1));
		// A finite time, as the record allows, but not whole milliseconds: the bigint column refuses it.
		const unusable = { ...(next[1] as JournalRecord), retainUntil: 1.5 };
		const calls = [next[0], unusable, next[2]].map((record) =>
			journal.compareAndSet(record as JournalRecord).catch((error: unknown) => error),
		);
		giveBack();
		const [a, refused, c] = await Promise.all(calls);
		expect([a, c]).toEqual([true, true]);
		expect(refused).toBeInstanceOf(JournalError);
		expect((refused as Error).message).toMatch(/22P02.*Nothing was written/);
		expect(await journal.get(s, 'b')).toEqual(stored[1]);
		expect(await journal.get(s, 'c')).toEqual(next[2]);
	});
});

/**
The deadlocks the server has broken so far in the test database, once every connection of `processes` has reported its
own (a backend reports its counts when idle, at most once a second, unless asked to at once).
*/
async function deadlocks(processes: pg.Pool[]): Promise<number> {
	for (const pool of processes) {
		const clients = await Promise.all(Array.from({ length: pool.options.max }, () => pool.connect()));
		for (const client of clients) await client.query('SELECT pg_stat_force_next_flush()');
		for (const client of clients) client.release();
	}
	const { rows } = await admin().query(
		'SELECT deadlocks::int AS n FROM pg_stat_database WHERE datname = current_database()',
	);
	return rows[0].n as number;
}

describe('batches of two processes over the same rows in opposite orders', () => {
	it('finish with no error and no lost update (rows locked in one order, a broken deadlock sent again)', async () => {
		const processes = [poolOf('direct', { max: 2 }), poolOf('direct', { max: 2 })];
		const journals = processes.map((pool) => new PostgresJournal({ pool }));
		const s = scope();
		const before = await deadlocks(processes);
		const ops = Array.from({ length: 32 }, (_, i) => `row-${i}`);
		// Creates first: each process inserts the same new rows, one in order and the other backwards.
		const [a, b] = journals as [PostgresJournal, PostgresJournal];
		const created = await Promise.all([
			...ops.map((op) => a.create(fixture(s, op))),
			...[...ops].reverse().map((op) => b.create(fixture(s, op))),
		]);
		for (const op of ops) {
			const answers = created.filter((record) => record.operation === op);
			expect(answers[0]?.key, op).toBe(answers[1]?.key);
		}
		// Then every process claims every row, again and again, in its own order, until each has 6 claims in.
		const wins = new Map(ops.map((op) => [op, 0]));
		const claimAll = async (journal: PostgresJournal, order: string[]) => {
			const left = new Map(order.map((op) => [op, 3]));
			while (left.size > 0) {
				const round = await Promise.all(
					[...left.keys()].map(async (op) => {
						const current = (await journal.get(s, op)) as JournalRecord;
						return [op, await journal.compareAndSet(claimed(current, current.updatedAt + 1))] as const;
					}),
				);
				for (const [op, won] of round) {
					if (!won) continue;
					wins.set(op, (wins.get(op) ?? 0) + 1);
					const more = (left.get(op) ?? 0) - 1;
					if (more === 0) left.delete(op);
					else left.set(op, more);
				}
			}
		};
		await Promise.all([claimAll(a, ops), claimAll(b, [...ops].reverse())]);
		expect(await deadlocks(processes), 'deadlocks the server had to break').toBe(before);
		for (const op of ops) {
			const record = await a.get(s, op);
			expect(record?.attemptsStarted, op).toBe(6);
			expect(record?.revision, op).toBe(7);
		}
	}, 30_000);
});

describe('the connection lost while a batch statement runs', () => {
	it('fails every call of the batch with a JournalError that says it may have been applied; the journal goes on', async () => {
		const { pool, hold } = watchedPool();
		const journal = new PostgresJournal({ pool });
		const s = scope();
		const unlock = await lockedTable();
		const giveBack = await hold();
		const calls = ['a', 'b', 'c'].map((op) =>
			journal.create(fixture(s, op)).catch((error: unknown) => error),
		);
		giveBack();
		const pid = await waitingOnLock();
		await admin().query('SELECT pg_terminate_backend($1)', [pid]);
		const errors = await Promise.all(calls);
		await unlock();
		for (const [i, error] of errors.entries()) {
			expect(error).toBeInstanceOf(JournalError);
			expect((error as JournalError).operation).toBe(['a', 'b', 'c'][i]);
			expect((error as Error).message).toMatch(
				/could not record the operation .*may or may not have been applied/,
			);
		}
		const after = fixture(s, 'after');
		expect(await journal.create(after)).toEqual(after);
	});
});
