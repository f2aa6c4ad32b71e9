import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { PostgresJournal } from '../../../src/postgres.js';
import { type PostgresServer, startPostgresServer } from '../../helpers/postgres-server.js';

/**
A PostgreSQL server (and PgBouncer) for one test file, started before its tests with the journal's default table
migrated, and stopped after them with every pool the file made.
*/
export function postgresFixture() {
	let server: PostgresServer | undefined;
	const pools: pg.Pool[] = [];
	/** A pool of its own, as a worker process has: `bouncer` goes through PgBouncer (transaction pooling). */
	const poolOf = (via: 'direct' | 'bouncer', options: pg.PoolConfig = {}) => {
		if (!server) throw new Error('postgresFixture: the server starts in beforeAll');
		const pool = new pg.Pool({ ...server[via], max: 5, ...options });
		// pool.end() resolves before its connections are closed: the server's goodbye to them must not crash the run.
		pool.on('error', () => {});
		pools.push(pool);
		return pool;
	};
	beforeAll(async () => {
		server = await startPostgresServer();
		await new PostgresJournal({ pool: poolOf('direct') }).migrate();
	}, 60_000);
	afterAll(async () => {
		await Promise.all(pools.map((pool) => pool.end()));
		await server?.close();
	});
	return { poolOf, admin: () => poolOf('direct') };
}
