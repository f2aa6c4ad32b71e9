// The servers the RedisJournal and PostgresJournal rows need, started by run.ts with the test suite's own harnesses
// (a private redis-server and PostgreSQL on loopback, ephemeral ports, temp dirs) and stopped after the run. Each
// client process finds its server in an environment variable, set here before any client is forked.
import { existsSync } from 'node:fs';
import path from 'node:path';

const dist = path.resolve(import.meta.dirname, '..', 'dist');

/** Environment variables naming each store to the client processes: a JSON endpoint, or why there is none. */
export const STORE_ENV = {
	redis: 'IDEMKEY_BENCH_REDIS',
	postgres: 'IDEMKEY_BENCH_POSTGRES',
} as const;
export type StoreName = keyof typeof STORE_ENV;

/** Where a client connects: a host and port (plus user and database for PostgreSQL). */
export type StoreEndpoint = { host: string; port: number; user?: string; database?: string };

const unavailableEnv = (name: StoreName) => `${STORE_ENV[name]}_UNAVAILABLE`;

/** The endpoint run.ts started for `name`, or why there is none (for the table's "skipped" column). */
export function storeEndpoint(name: StoreName): StoreEndpoint | string {
	const endpoint = process.env[STORE_ENV[name]];
	if (endpoint !== undefined) return JSON.parse(endpoint) as StoreEndpoint;
	return process.env[unavailableEnv(name)] ?? `not measured (no ${name} server was started)`;
}

type Started = { endpoint: StoreEndpoint; close(): Promise<void> };

async function redisStore(): Promise<Started> {
	const { startRedis } = await import('../test/helpers/redis-server.ts');
	const server = await startRedis();
	return { endpoint: { host: server.host, port: server.port }, close: () => server.close() };
}

async function postgresStore(): Promise<Started> {
	const { startPostgresServer } = await import('../test/helpers/postgres-server.ts');
	const server = await startPostgresServer();
	return { endpoint: server.direct, close: () => server.close() };
}

const STARTERS: Record<StoreName, () => Promise<Started>> = { redis: redisStore, postgres: postgresStore };

/**
Starts the stores of the wanted rows whose journal this build has, and names them in the environment. A store that
cannot start (its Debian package missing) leaves its row skipped with the reason, rather than ending the run.
*/
export async function startStores(
	wanted: readonly string[],
	log: (line: string) => void,
): Promise<{ stop(): Promise<void> }> {
	const running: Started[] = [];
	for (const name of Object.keys(STORE_ENV) as StoreName[]) {
		if (!wanted.includes(name) || !existsSync(path.join(dist, name, 'index.js'))) continue;
		try {
			log(`starting a ${name} server for its row`);
			const started = await STARTERS[name]();
			running.push(started);
			process.env[STORE_ENV[name]] = JSON.stringify(started.endpoint);
		} catch (error) {
			const first = String(error instanceof Error ? error.message : error).split('\n')[0];
			process.env[unavailableEnv(name)] = `not measured (${first})`;
		}
	}
	return {
		async stop() {
			await Promise.all(running.map((store) => store.close()));
		},
	};
}
