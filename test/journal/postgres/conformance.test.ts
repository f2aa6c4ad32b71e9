import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PostgresJournal } from '../../../src/postgres.js';
import { runJournalConformance } from '../../../src/testing/index.js';
import { type PostgresServer, startPostgresServer } from '../../helpers/postgres-server.js';

const api = { describe, it, expect, beforeEach, afterEach };
let server: PostgresServer;
const pools: Record<'direct' | 'bouncer', pg.Pool> = {} as never;

beforeAll(async () => {
	server = await startPostgresServer();
	pools.direct = new pg.Pool({ ...server.direct, max: 10 });
	pools.bouncer = new pg.Pool({ ...server.bouncer, max: 10 });
	await new PostgresJournal({ pool: pools.direct }).migrate();
	await pools.direct.query('CREATE SCHEMA billing');
	await new PostgresJournal({ pool: pools.bouncer, table: 'billing.idemkey_journal' }).migrate();
}, 60_000);

afterAll(async () => {
	await Promise.all(Object.values(pools).map((pool) => pool?.end()));
	await server?.close();
});

runJournalConformance('PostgresJournal', () => new PostgresJournal({ pool: pools.direct }), api);

runJournalConformance(
	'PostgresJournal behind PgBouncer (transaction pooling), schema-qualified table',
	() => new PostgresJournal({ pool: pools.bouncer, table: 'billing.idemkey_journal' }),
	api,
);

/** Two journals on one table stand for two machines: each call goes to one or the other in turn, one of them behind PgBouncer. */
runJournalConformance(
	'two PostgresJournals sharing a table, one direct and one behind PgBouncer',
	() => {
		const parts = [new PostgresJournal({ pool: pools.direct }), new PostgresJournal({ pool: pools.bouncer })];
		let turn = 0;
		const next = () => parts[turn++ % 2] as PostgresJournal;
		return {
			create: (record) => next().create(record),
			get: (scope, operation) => next().get(scope, operation),
			compareAndSet: (record) => next().compareAndSet(record),
			listUnfinished: (scope) => next().listUnfinished(scope),
			collectGarbage: (now) => next().collectGarbage(now),
		};
	},
	api,
);
