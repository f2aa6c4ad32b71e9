import pg from 'pg';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { PostgresJournal } from '../../../src/postgres.js';
import { type PostgresServer, startPostgresServer } from '../../helpers/postgres-server.js';
import { expectEveryOperationOnce } from './expectations.js';
import { figures, runFleet } from './fleet.js';

let server: PostgresServer | undefined;
beforeAll(async () => {
	server = await startPostgresServer();
	const pool = new pg.Pool({ ...server.direct, max: 1 });
	await new PostgresJournal({ pool }).migrate();
	await pool.end();
}, 60_000);
afterAll(async () => {
	await server?.close();
});

describe('4 workers sharing one PostgresJournal behind PgBouncer, killed and restarted at random', () => {
	it('end with one effect per operation, none lost, and never two attempts of one operation at once', async () => {
		// Through PgBouncer in transaction mode, as a fleet of short-lived workers would connect.
		const run = await runFleet({ kind: 'postgres', endpoint: (server as PostgresServer).bouncer }, 12);
		console.log(figures('PostgresJournal', run));
		expectEveryOperationOnce(run);
	}, 150_000);
});
