import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { InvalidRequestError, JournalError } from '../../../src/errors/classes.js';
import { createClient } from '../../../src/index.js';
import { claimed, settled } from '../../../src/journal/lifecycle.js';
import type { JournalRecord } from '../../../src/journal/record.js';
import { PostgresJournal, type PostgresPool } from '../../../src/postgres.js';
import { recordMaker, succeededOutcome, uid } from '../../../src/testing/conformance/records.js';
import { sendJson, startServer } from '../../helpers/loopback-server.js';
import { postgresFixture } from './fixture.js';

const { poolOf, admin } = postgresFixture();
const fixture = recordMaker();
/** Four workers' pools: two straight to PostgreSQL, two through PgBouncer. */
const workers = () => [poolOf('direct'), poolOf('bouncer'), poolOf('direct'), poolOf('bouncer')];
const freshTable = () => `t_${uid().replaceAll('-', '_')}`;
const scope = () => `tenant-${uid()}`;

/** A pool that records whether anything asked it for a connection. */
const countingPool = () => {
	const pool = {
		connects: 0,
		on: () => pool,
		connect: async () => {
			pool.connects++;
			throw new Error('no database here');
		},
	};
	return pool;
};

describe('new PostgresJournal()', () => {
	it.each([
		[{}, /needs \{ pool \}/],
		[{ pool: {} }, /needs \{ pool \}/],
		[{ pool: 'postgres://localhost' }, /needs \{ pool \}/],
		[{ pool: countingPool(), table: 'Bad-Name' }, /option "table" must be a table name/],
	])('refuses %j with an InvalidRequestError, before any SQL', (options, message) => {
		const make = () => new PostgresJournal(options as never);
		expect(make).toThrow(InvalidRequestError);
		expect(make).toThrow(message);
	});

	it('refuses a record it could not read back, before asking for a connection', async () => {
		const pool = countingPool();
		const journal = new PostgresJournal({ pool });
		const record = fixture(scope(), 'op-1');
		const broken = { ...record, revision: Number.NaN };
		await expect(journal.create(broken)).rejects.toThrow(
			/refused to record the operation: .*revision: expected a finite number.*Nothing was written/,
		);
		await expect(journal.compareAndSet({ ...record, state: 'lost' as never })).rejects.toThrow(JournalError);
		expect(pool.connects).toBe(0);
	});
});

describe('migrate()', () => {
	it('lets four workers migrate one new table at once, every one succeeding, leaving the table and its indexes', async () => {
		const pools = workers();
		// Each round a new table: without the advisory lock, racing CREATE ... IF NOT EXISTS fail on pg_type's unique index.
		for (let round = 0; round < 4; round++) {
			const table = freshTable();
			const results = await Promise.allSettled(
				pools.map((pool) => new PostgresJournal({ pool, table }).migrate()),
			);
			expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
			const { rows } = await admin().query(
				'SELECT indexname FROM pg_indexes WHERE tablename = $1 ORDER BY 1',
				[table],
			);
			expect(rows.map((row) => row.indexname)).toEqual([
				`${table}_due`,
				`${table}_pkey`,
				`${table}_unfinished`,
			]);
		}
	});

	it('is safe to run on every start: the records stay', async () => {
		const journal = new PostgresJournal({ pool: poolOf('bouncer') });
		const record = await journal.create(fixture(scope(), 'op-1'));
		await journal.migrate();
		await journal.migrate();
		expect(await journal.get(record.scope, 'op-1')).toEqual(record);
	});

	it('refuses an existing table that is not an idemkey journal, naming what it lacks', async () => {
		const table = freshTable();
		await admin().query(`CREATE TABLE ${table} (scope text, operation text, payload jsonb)`);
		const error = await new PostgresJournal({ pool: admin(), table }).migrate().catch((e: unknown) => e);
		expect(error).toBeInstanceOf(JournalError);
		expect((error as Error).message).toMatch(
			new RegExp(
				`cannot use table ${table}: it exists but is not an idemkey journal \\(it lacks seq bigint, revision bigint, .*record json\\)\\. Pass another \\{ table \\}`,
			),
		);
		const { rows } = await admin().query('SELECT count(*)::int AS n FROM pg_indexes WHERE tablename = $1', [
			table,
		]);
		expect(rows[0].n, 'no index added to the foreign table').toBe(0);
	});

	it('says to create a missing schema', async () => {
		const journal = new PostgresJournal({ pool: admin(), table: 'nowhere.idemkey_journal' });
		await expect(journal.migrate()).rejects.toThrow(/schema does not exist: create it \(CREATE SCHEMA\)/);
	});

	it('is needed first: a call on a table never migrated says to call it', async () => {
		const journal = new PostgresJournal({ pool: poolOf('bouncer'), table: freshTable() });
		const error = await journal.get('s', 'op').catch((e: unknown) => e);
		expect(error).toBeInstanceOf(JournalError);
		expect((error as Error).message).toMatch(
			/could not read a record .*call `await journal\.migrate\(\)` at start-up/,
		);
	});
});

describe('writers racing across processes', () => {
	it('hands every one of 40 creates of one operation, from four pools, the same key', async () => {
		const journals = workers().map((pool) => new PostgresJournal({ pool }));
		const s = scope();
		// Several operations: about one create in twenty loses to a row committed after its statement's snapshot, which
		// only a second statement can read.
		for (let op = 0; op < 10; op++) {
			const operation = `op-${op}`;
			const candidates = Array.from({ length: 40 }, () => fixture(s, operation));
			const answers = await Promise.all(candidates.map((c, i) => journals[i % 4]?.create(c)));
			const keys = new Set(answers.map((answer) => answer?.key));
			expect(keys.size).toBe(1);
			const winner = candidates.find((c) => c.key === answers[0]?.key);
			for (const answer of answers) expect(answer).toEqual(winner);
			expect(await journals[0]?.get(s, operation)).toEqual(winner);
		}
	});

	it('loses no update when 32 writers on four pools each claim one operation five times over', async () => {
		const journals = workers().map((pool) => new PostgresJournal({ pool }));
		const s = scope();
		const first = await journals[0]?.create(fixture(s, 'counter'));
		const writer = async (journal: PostgresJournal) => {
			for (let done = 0; done < 5; ) {
				const current = (await journal.get(s, 'counter')) as JournalRecord;
				if (await journal.compareAndSet(claimed(current, current.updatedAt + 1))) done++;
			}
		};
		await Promise.all(Array.from({ length: 32 }, (_, i) => writer(journals[i % 4] as PostgresJournal)));
		const last = await journals[1]?.get(s, 'counter');
		expect(last?.attemptsStarted).toBe(160);
		expect(last?.revision).toBe((first?.revision ?? 0) + 160);
	});
});

describe('ids PostgreSQL text cannot hold as they are', () => {
	it('keeps operations that differ only in a NUL, a lone surrogate or a % escape apart', async () => {
		const journal = new PostgresJournal({ pool: poolOf('bouncer') });
		const s = `${scope()}\u0000\ud800`;
		const ids = ['a\ud800', 'a\ud801', 'a\ufffd', 'a%ud800', 'a\u0000', 'a%00', 'a%'];
		const records = await Promise.all(ids.map((id) => journal.create(fixture(s, id))));
		for (const [i, id] of ids.entries()) expect(await journal.get(s, id)).toEqual(records[i]);
		expect((await journal.listUnfinished(s)).map((r) => r.operation).sort()).toEqual([...ids].sort());
	});
});

describe('listUnfinished()', () => {
	it('skips a row a writer holds locked, rather than waiting for it, and lists it once the writer is done', async () => {
		const journal = new PostgresJournal({ pool: poolOf('direct') });
		const s = scope();
		const t0 = Date.now() - 10_000;
		const older = await journal.create(fixture(s, 'older', t0));
		const busy = await journal.create(fixture(s, 'busy', t0 + 1));
		const writer = await admin().connect();
		try {
			await writer.query('BEGIN');
			await writer.query('SELECT 1 FROM idemkey_journal WHERE scope = $1 AND operation = $2 FOR UPDATE', [
				s,
				'busy',
			]);
			expect(await journal.listUnfinished(s)).toEqual([older]);
			await writer.query('COMMIT');
		} finally {
			writer.release();
		}
		expect(await journal.listUnfinished(s)).toEqual([older, busy]);
	});

	it('lists records created in one millisecond in the order they were created', async () => {
		const journal = new PostgresJournal({ pool: poolOf('bouncer') });
		const s = scope();
		const at = Date.now();
		const made: JournalRecord[] = [];
		for (const operation of ['c', 'a', 'd', 'b']) made.push(await journal.create(fixture(s, operation, at)));
		expect(await journal.listUnfinished(s)).toEqual(made);
	});
});

describe('options.signal', () => {
	it('ends the wait for a connection of a busy pool, writing nothing, and the connection goes back to the pool', async () => {
		const pool = poolOf('bouncer', { max: 1 });
		const journal = new PostgresJournal({ pool });
		const held = await pool.connect();
		const record = fixture(scope(), 'op-1');
		const stop = new AbortController();
		const call = journal.create(record, { signal: stop.signal });
		const reason = new Error('caller left');
		stop.abort(reason);
		await expect(call).rejects.toBe(reason);
		held.release();
		// With a pool of one, a connection kept by the abandoned call would stall this read for ever.
		expect(await journal.get(record.scope, 'op-1')).toBe(undefined);
		expect(pool.totalCount).toBe(1);
		expect(pool.idleCount).toBe(1);
	});

	it('stops a call whose signal has already aborted before it asks for a connection', async () => {
		const pool = countingPool();
		const journal = new PostgresJournal({ pool });
		const reason = new Error('gone');
		await expect(journal.get('s', 'op', { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
		expect(pool.connects).toBe(0);
	});
});

describe('collectGarbage()', () => {
	it('deletes in batches until none is due: 2,500 rows', async () => {
		const table = freshTable();
		const journal = new PostgresJournal({ pool: poolOf('bouncer'), table });
		await journal.migrate();
		const now = Date.now();
		// Rows written straight in SQL, as only their columns and the record's state decide their collection.
		await admin().query(
			`INSERT INTO ${table} (scope, operation, revision, state, created_at, retain_until, record)
			SELECT 's', 'op-' || n, 3, 'succeeded', $1, $1, '{"state":"succeeded"}' FROM generate_series(1, 2500) AS n`,
			[now - 1_000],
		);
		const young = await journal.create(fixture('s', 'young', now));
		expect(await journal.collectGarbage(now)).toBe(2_500);
		const { rows } = await admin().query(`SELECT operation FROM ${table}`);
		expect(rows).toEqual([{ operation: 'young' }]);
		expect(await journal.get('s', 'young')).toEqual(young);
	});

	it('refuses a time that is not epoch ms, before any SQL', async () => {
		const pool = countingPool();
		await expect(new PostgresJournal({ pool }).collectGarbage(Number.NaN)).rejects.toThrow(
			InvalidRequestError,
		);
		expect(pool.connects).toBe(0);
	});
});

describe('now()', () => {
	it("reads the server's clock as integer epoch ms, moving within a transaction pooler's connection", async () => {
		const journal = new PostgresJournal({ pool: poolOf('bouncer') });
		const first = await journal.now();
		const second = await journal.now();
		expect(Number.isInteger(first)).toBe(true);
		// Same machine: the server's clock is this one, give or take.
		expect(Math.abs(first - Date.now())).toBeLessThan(60_000);
		expect(second).toBeGreaterThanOrEqual(first);
	});
});

describe('a row that is not a usable record', () => {
	async function corrupted(journal: PostgresJournal, s: string, operation: string, text: string) {
		const record = await journal.create(fixture(s, operation, Date.now() - 60_000));
		const claim = claimed(record, record.createdAt + 1);
		await journal.compareAndSet(claim);
		await journal.compareAndSet({
			...settled(claim, 'succeeded', claim.updatedAt + 1, succeededOutcome()),
			retainUntil: 1,
		});
		await admin().query('UPDATE idemkey_journal SET record = $3 WHERE scope = $1 AND operation = $2', [
			s,
			operation,
			text,
		]);
	}

	it('fails every call that reads it with a JournalError naming the row, and is never deleted', async () => {
		const journal = new PostgresJournal({ pool: poolOf('bouncer') });
		const s = scope();
		await corrupted(journal, s, 'edited', '{"v":2,"note":"edited by hand"}');
		const naming =
			/cannot use the row of scope ".*", operation "edited" in table idemkey_journal: it is not a usable idemkey record \(v: expected format version 1.*Restore or delete that row/;
		await expect(journal.get(s, 'edited')).rejects.toThrow(naming);
		await expect(journal.create(fixture(s, 'edited'))).rejects.toThrow(naming);
		const pending = await journal.create(fixture(s, 'fine'));
		expect(await journal.listUnfinished(s), 'its columns say finished: not listed').toEqual([pending]);
		// Its columns say "succeeded, due": the record, which says otherwise, decides.
		await journal.collectGarbage(Date.now() + 86_400_000);
		const { rows } = await admin().query(
			'SELECT operation FROM idemkey_journal WHERE scope = $1 ORDER BY 1',
			[s],
		);
		expect(rows.map((row) => row.operation)).toEqual(['edited', 'fine']);
		await admin().query(
			`UPDATE idemkey_journal SET record = '{"v":1}' WHERE scope = $1 AND operation = 'fine'`,
			[s],
		);
		await expect(journal.listUnfinished(s)).rejects.toThrow(
			/cannot use the row of scope ".*" in table idemkey_journal: it is not a usable idemkey record \(scope: expected a string/,
		);
	});

	it('stops a client call on that operation before anything is sent', async () => {
		const journal = new PostgresJournal({ pool: poolOf('direct') });
		const s = scope();
		await corrupted(journal, s, 'book:u42', '["not", "a", "record"]');
		const api = await startServer((_req, res) => sendJson(res, 201, { ok: true }));
		try {
			const client = createClient({ baseUrl: api.url, journal, scope: s });
			const error = await client
				.post('bookings', { json: { seat: 1 }, operation: 'book:u42' })
				.catch((e: unknown) => e);
			expect(error).toBeInstanceOf(JournalError);
			expect((error as Error).message).toMatch(/operation "book:u42"/);
			expect(api.received).toHaveLength(0);
		} finally {
			await api.close();
		}
	});
});

describe('a pool it is given', () => {
	it('is never ended by the journal', async () => {
		const pool = poolOf('direct');
		const journal = new PostgresJournal({ pool });
		await journal.migrate();
		await journal.collectGarbage(Date.now());
		expect(pool.ending).toBe(false);
		expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
	});

	it('fits the PostgresPool shape as pg makes it (a type check)', () => {
		const pool: PostgresPool = new pg.Pool();
		expect(typeof pool.connect).toBe('function');
		return (pool as pg.Pool).end();
	});
});
