import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, JournalError } from '../../../src/index.js';
import { PostgresJournal } from '../../../src/postgres.js';
import { type LoopbackServer, sendJson, startServer } from '../../helpers/loopback-server.js';
import { type PostgresServer, startPostgresServer } from '../../helpers/postgres-server.js';

let server: PostgresServer;
let api: LoopbackServer;
/** Requests the API received, by operation (each body names its own). */
const received = () => {
	const counts = new Map<string, number>();
	for (const { body } of api.received) {
		const { op } = JSON.parse(body.toString()) as { op: string };
		counts.set(op, (counts.get(op) ?? 0) + 1);
	}
	return counts;
};
/** The next request for a `-held` operation waits for `gate` before it is answered; `arrive` hears its key. */
let hold: { arrive: (key: string) => void; gate: Promise<void> } | undefined;

beforeAll(async () => {
	server = await startPostgresServer();
	api = await startServer(async (req, res) => {
		const { op } = JSON.parse(req.body.toString()) as { op: string };
		const h = op.endsWith('-held') ? hold : undefined;
		if (h) {
			hold = undefined;
			h.arrive(String(req.headers['idempotency-key']));
			await h.gate;
		}
		sendJson(res, 201, { op });
	});
}, 60_000);

/** Holds the next `-held` request: resolves its key once it arrives; `letGo` answers it. */
function holdNext(): { arrived: Promise<string>; letGo: () => void } {
	let letGo!: () => void;
	const gate = new Promise<void>((resolve) => {
		letGo = resolve;
	});
	const arrived = new Promise<string>((arrive) => {
		hold = { arrive, gate };
	});
	return { arrived, letGo };
}

afterAll(async () => {
	await api?.close();
	await server?.close();
});

/** `call`'s answer once the journal is back: JournalErrors until then, each a moment apart, for at most 20 s. */
async function recovered<T>(call: () => Promise<T>): Promise<T> {
	for (const until = Date.now() + 20_000; ; ) {
		try {
			return await call();
		} catch (error) {
			if (!(error instanceof JournalError) || Date.now() > until) throw error;
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
	}
}

describe.each(['direct', 'bouncer'] as const)('PostgreSQL going down mid-run (%s)', (via) => {
	it('fails calls with JournalError before anything is sent, loses nothing journaled, and the same pool recovers once it is back', async () => {
		// As the issue's example makes it: no 'error' listener of the caller's own. A restart must not crash the process.
		const pool = new pg.Pool({ ...server[via], max: 4, connectionTimeoutMillis: 2_000 });
		const journal = new PostgresJournal({ pool });
		await journal.migrate();
		const scope = `outage-${via}`;
		const client = createClient({
			baseUrl: api.url,
			journal,
			scope,
			retry: { limit: 1, baseDelay: 1, maxDelay: 5, maxRetryTime: 1_500 },
		});
		const post = (op: string) => client.post('things', { json: { op }, operation: op });
		const ops = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${via}-${prefix}-${i}`);

		const before = ops('before', 5);
		for (const op of before) expect((await post(op)).status).toBe(201);

		// Mid-run: the server goes down while a request is on the wire.
		const { arrived, letGo } = holdNext();
		const midway = post(`${via}-held`);
		const heldKey = await arrived;
		await server.stopPostgres('immediate');
		letGo();
		// The response came: the call succeeds even though its last write could not be made.
		expect((await midway).status).toBe(201);

		const sentBefore = api.received.length;
		const during = ops('during', 3);
		for (const op of [...during, before[0] as string]) {
			const error = await post(op).catch((e: unknown) => e);
			expect(error, op).toBeInstanceOf(JournalError);
			// Straight to PostgreSQL the connection is refused; PgBouncer takes it and says it cannot reach the server,
			// or holds the statement until the call's deadline.
			expect((error as Error).message).toMatch(
				via === 'direct'
					? /is PostgreSQL \(or PgBouncer\) running there\?.*Nothing was written/
					: /PgBouncer cannot reach the server.*Nothing was written|did not answer within the call's deadline.*nothing was sent/,
			);
		}
		expect(api.received.length, 'requests sent while the journal was down').toBe(sentBefore);

		await server.startPostgres();

		// The same pool and client, untouched: calls go through again, once PgBouncer's next login attempt
		// (server_login_retry) finds the server back. Until then they keep failing before anything is sent.
		expect((await recovered(() => post(during[0] as string))).status).toBe(201);
		expect(api.received.length, 'requests sent until the journal was back').toBe(sentBefore + 1);
		for (const op of during) expect((await post(op)).status).toBe(201);
		for (const op of before) {
			const again = await post(op);
			expect(again.replayed, `${op} answered from the journal`).toBe(true);
		}
		const counts = received();
		for (const op of [...before, ...during]) expect(counts.get(op), op).toBe(1);
		// The claim of the held request was journaled before it left: it survived the crash, key and all.
		const record = await journal.get(scope, `${via}-held`);
		expect(record?.key).toBe(heldKey);
		expect(record?.attemptsStarted).toBe(1);
		expect(['inflight', 'succeeded']).toContain(record?.state);
		for (const op of before) expect((await journal.get(scope, op))?.state, op).toBe('succeeded');
		await pool.end();
	}, 60_000);
});

describe.each(['direct', 'bouncer'] as const)(
	'PostgreSQL crashing under 8 concurrent callers (%s)',
	(via) => {
		it('sends nothing for a call that failed with JournalError, and every request sent has its key journaled', async () => {
			const pool = new pg.Pool({ ...server[via], max: 8, connectionTimeoutMillis: 2_000 });
			const journal = new PostgresJournal({ pool });
			await journal.migrate();
			const scope = `stream-${via}`;
			const client = createClient({
				baseUrl: api.url,
				journal,
				scope,
				retry: { limit: 1, baseDelay: 1, maxDelay: 5, maxRetryTime: 1_500 },
			});
			const outcomes = new Map<string, 'ok' | 'journal' | string>();
			let serial = 0;
			let stop = false;
			const tally = (kind: string) => [...outcomes.values()].filter((o) => o === kind).length;
			const worker = async () => {
				while (!stop) {
					const op = `${via}-stream-${serial++}`;
					outcomes.set(
						op,
						await client.post('things', { json: { op }, operation: op }).then(
							() => 'ok',
							(error: unknown) => (error instanceof JournalError ? 'journal' : String(error)),
						),
					);
				}
			};
			const until = async (done: () => boolean) => {
				for (const end = Date.now() + 20_000; !done(); ) {
					if (Date.now() > end) throw new Error(`stuck: ${tally('ok')} ok, ${tally('journal')} JournalError`);
					await new Promise((resolve) => setTimeout(resolve, 20));
				}
			};
			const workers = Array.from({ length: 8 }, worker);
			await until(() => tally('ok') >= 40);
			await server.stopPostgres('immediate');
			await until(() => tally('journal') >= 16);
			await server.startPostgres();
			const okBefore = tally('ok');
			await until(() => tally('ok') >= okBefore + 40);
			stop = true;
			await Promise.all(workers);

			const unexpected = [...outcomes].filter(([, outcome]) => outcome !== 'ok' && outcome !== 'journal');
			// A call whose request left and whose journal then failed is uncertain, not a JournalError.
			expect(
				unexpected.every(([, outcome]) => /OutcomeUnknownError/.test(outcome)),
				String(unexpected),
			).toBe(true);
			const requests = api.received.filter(({ body }) => String(body).includes(`"${via}-stream-`));
			const sentOps = new Map(
				requests.map(({ body, headers }) => [
					(JSON.parse(String(body)) as { op: string }).op,
					headers['idempotency-key'],
				]),
			);
			for (const [op, outcome] of outcomes) {
				if (outcome === 'journal')
					expect(sentOps.has(op), `${op} failed with JournalError yet was sent`).toBe(false);
				if (outcome === 'ok') expect(sentOps.has(op), `${op} succeeded`).toBe(true);
			}
			// The claim is committed before the request leaves: whatever was sent is in the journal after the crash, under the
			// key the server saw.
			for (const [op, key] of sentOps) {
				const record = await journal.get(scope, op);
				expect(record?.key, op).toBe(key);
				expect(record?.attemptsStarted, op).toBeGreaterThanOrEqual(1);
			}
			expect(requests.length, 'one request per operation').toBe(sentOps.size);
			await pool.end();
		}, 60_000);
	},
);

describe('a statement the server does not answer (the table locked by another transaction)', () => {
	async function lockedTable() {
		const admin = new pg.Pool({ ...server.direct, max: 2 });
		admin.on('error', () => {});
		const table = `locked_${Date.now()}`;
		await new PostgresJournal({ pool: admin, table }).migrate();
		const holder = await admin.connect();
		await holder.query('BEGIN');
		await holder.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
		const unlock = async () => {
			await holder.query('COMMIT');
			holder.release();
			await admin.end();
		};
		return { table, unlock };
	}

	it('leaves the caller waiting no longer than its deadline, sends nothing, and undoes the claim once it lands', async () => {
		const { table, unlock } = await lockedTable();
		const pool = new pg.Pool({ ...server.bouncer, max: 2 });
		const journal = new PostgresJournal({ pool, table });
		const client = createClient({ baseUrl: api.url, journal, scope: 'locked', retry: { maxRetryTime: 300 } });
		const sent = api.received.length;
		try {
			const error = await client
				.post('things', { json: { op: 'locked-1' }, operation: 'locked-1' })
				.catch((e: unknown) => e);
			expect(error).toBeInstanceOf(JournalError);
			expect((error as Error).message).toMatch(
				/did not answer within the call's deadline .*nothing was sent/,
			);
			expect(api.received.length).toBe(sent);
		} finally {
			await unlock();
		}
		// The create, claimed for its first attempt, landed after the caller left: the client takes the claim back.
		const record = await recovered(async () => {
			const found = await journal.get('locked', 'locked-1');
			if (found?.state !== 'pending') throw new JournalError('not yet taken back');
			return found;
		});
		expect(record).toMatchObject({ state: 'pending', attemptsStarted: 0 });
		await pool.end();
	});

	it("fails with the pool's query_timeout, saying so, when the pool sets one", async () => {
		const { table, unlock } = await lockedTable();
		const pool = new pg.Pool({ ...server.direct, max: 2, query_timeout: 200 });
		try {
			const error = await new PostgresJournal({ pool, table }).get('s', 'op').catch((e: unknown) => e);
			expect(error).toBeInstanceOf(JournalError);
			expect((error as Error).message).toMatch(/no answer within the pool's query_timeout/);
		} finally {
			await unlock();
			await pool.end();
		}
	});
});
