import { type ChildProcess, execFile, spawn } from 'node:child_process';
import {
	chownSync,
	closeSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	openSync,
	readdirSync,
	readFileSync,
	rmSync,
	writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/** Where a test connects: both servers trust every local connection, as user `postgres`. */
export type Endpoint = { host: string; port: number; user: string; database: string };

export type PostgresServer = {
	/** PostgreSQL itself. */
	readonly direct: Endpoint;
	/** PgBouncer in front of it, `pool_mode = transaction`. */
	readonly bouncer: Endpoint;
	/**
	Stops PostgreSQL, leaving PgBouncer up. `immediate` is a crash as far as the data goes (no checkpoint, no goodbye to
	clients: WAL replay on the next start); `fast` is a clean shutdown.
	*/
	stopPostgres(mode?: 'fast' | 'immediate'): Promise<void>;
	/** Starts PostgreSQL again on the same port and data, and waits until it takes connections. */
	startPostgres(): Promise<void>;
	/** Stops both and removes their directory. */
	close(): Promise<void>;
};

const USER = 'postgres';
const READY_WITHIN_MS = 30_000;

/** The Debian packages' layout, newest version first; `PATH` first for other systems. */
function binary(name: string, debianDirs: string[]): string {
	const dirs = [...(process.env.PATH ?? '').split(delimiter), ...debianDirs].filter(Boolean);
	for (const dir of dirs) if (existsSync(join(dir, name))) return join(dir, name);
	throw new Error(
		`${name} not found (looked in PATH and ${debianDirs.join(', ') || 'nowhere else'}): these tests need the Debian packages postgresql and pgbouncer; run scripts/ensure-servers.sh (npm test does) or apt-get install postgresql pgbouncer.`,
	);
}

function postgresBinDirs(): string[] {
	const root = '/usr/lib/postgresql';
	if (!existsSync(root)) return [];
	return readdirSync(root)
		.filter((version) => /^\d+$/.test(version))
		.sort((a, b) => Number(b) - Number(a))
		.map((version) => join(root, version, 'bin'));
}

/** PostgreSQL and PgBouncer refuse to run as root: as root, they run as the `postgres` user. */
async function serverUser(): Promise<{ uid: number; gid: number } | undefined> {
	if (process.getuid?.() !== 0) return undefined;
	try {
		const [uid, gid] = await Promise.all([run('id', ['-u', USER]), run('id', ['-g', USER])]);
		return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
	} catch {
		throw new Error(
			`running as root, these tests need the user "${USER}" (made by the Debian package postgresql).`,
		);
	}
}

async function freePort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as { port: number };
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return port;
}

const tail = (file: string) =>
	existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(-15).join('\n') : '';

/** Resolves once `endpoint` answers a query; rejects with the server's log when `child` exits first or time runs out. */
async function ready(endpoint: Endpoint, child: ChildProcess, log: string): Promise<void> {
	const until = Date.now() + READY_WITHIN_MS;
	for (;;) {
		if (child.exitCode !== null || child.signalCode !== null) {
			throw new Error(`${child.spawnfile} exited (${child.exitCode ?? child.signalCode}):\n${tail(log)}`);
		}
		const client = new pg.Client({ ...endpoint, connectionTimeoutMillis: 2_000 });
		client.on('error', () => {});
		try {
			await client.connect();
			await client.query('SELECT 1');
			return;
		} catch (error) {
			if (Date.now() > until)
				throw new Error(`${child.spawnfile} did not take connections: ${String(error)}\n${tail(log)}`);
			await new Promise((resolve) => setTimeout(resolve, 100));
		} finally {
			await client.end().catch(() => {});
		}
	}
}

/**
`command args` with a parent-death signal where util-linux's setpriv is found: a test worker that is killed (a timeout,
a crash) takes its servers with it instead of leaving them running. Set after the switch to the server's user (spawn's
uid), which would clear it.
*/
function withParentDeathSignal(signal: string, command: string, args: string[]): [string, string[]] {
	const setpriv = ['/usr/bin', '/bin', ...(process.env.PATH ?? '').split(delimiter)]
		.map((dir) => join(dir, 'setpriv'))
		.find((path) => existsSync(path));
	return setpriv ? [setpriv, [`--pdeathsig=${signal}`, '--', command, ...args]] : [command, args];
}

const exited = (child: ChildProcess) =>
	child.exitCode !== null || child.signalCode !== null
		? Promise.resolve()
		: new Promise<void>((resolve) => child.once('exit', () => resolve()));

/**
A private PostgreSQL (initdb in a temp dir) on 127.0.0.1 and an ephemeral port, with its unix socket in that dir too,
and PgBouncer in transaction mode in front of it on a port of its own. fsync is off: it guards against a power cut,
which no test makes; a crash of the server (`stopPostgres('immediate')`) is recovered from the WAL all the same.
*/
export async function startPostgresServer(): Promise<PostgresServer> {
	const initdb = binary('initdb', postgresBinDirs());
	const postgres = binary('postgres', postgresBinDirs());
	const pgbouncer = binary('pgbouncer', ['/usr/sbin', '/usr/bin']);
	const owner = await serverUser();
	const dir = mkdtempSync(join(tmpdir(), 'idemkey-pg-'));
	const data = join(dir, 'data');
	const sockets = join(dir, 'sockets');
	mkdirSync(sockets);
	if (owner) {
		chownSync(dir, owner.uid, owner.gid);
		chownSync(sockets, owner.uid, owner.gid);
	}
	const as = { ...owner, cwd: dir, env: { ...process.env, LC_ALL: 'C', PGTZ: 'UTC' } };
	let pgProcess: ChildProcess | undefined;
	let bouncerProcess: ChildProcess | undefined;
	const stopAll = () => {
		pgProcess?.kill('SIGQUIT');
		bouncerProcess?.kill('SIGTERM');
	};
	process.once('exit', stopAll);

	try {
		await run(initdb, ['-D', data, '-U', USER, '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'], as);
		const pgLog = join(dir, 'postgres.log');
		const direct: Endpoint = { host: '127.0.0.1', port: 0, user: USER, database: USER };
		const spawnPostgres = async () => {
			const log = openSync(pgLog, 'a');
			const settings = [
				'listen_addresses=127.0.0.1',
				'fsync=off',
				'max_connections=60',
				'shared_buffers=16MB',
			];
			const args = [
				'-D',
				data,
				'-p',
				String(direct.port),
				'-k',
				sockets,
				...settings.flatMap((s) => ['-c', s]),
			];
			// SIGQUIT: an immediate shutdown; the postmaster's own children follow it.
			const child = spawn(...withParentDeathSignal('QUIT', postgres, args), {
				...as,
				stdio: ['ignore', log, log],
			});
			closeSync(log);
			child.on('error', () => {});
			pgProcess = child;
			await ready(direct, child, pgLog);
		};
		// The port is free when picked, not necessarily when bound: another test may take it in between.
		for (let attempt = 1; ; attempt++) {
			direct.port = await freePort();
			try {
				await spawnPostgres();
				break;
			} catch (error) {
				pgProcess?.kill('SIGQUIT');
				if (pgProcess) await exited(pgProcess);
				if (attempt >= 3 || !/could not bind|already in use/i.test(String(error))) throw error;
			}
		}

		const bouncer: Endpoint = { ...direct, port: 0 };
		const bouncerLog = join(dir, 'pgbouncer.log');
		const ini = join(dir, 'pgbouncer.ini');
		writeFileSync(join(dir, 'userlist.txt'), `"${USER}" ""\n`);
		for (let attempt = 1; ; attempt++) {
			bouncer.port = await freePort();
			writeFileSync(
				ini,
				[
					'[databases]',
					`* = host=127.0.0.1 port=${direct.port}`,
					'[pgbouncer]',
					'listen_addr = 127.0.0.1',
					`listen_port = ${bouncer.port}`,
					`unix_socket_dir = ${sockets}`,
					'auth_type = trust',
					`auth_file = ${join(dir, 'userlist.txt')}`,
					'pool_mode = transaction',
					'max_client_conn = 400',
					'default_pool_size = 20',
					// Retry a failed server login soon (default 15 s): the outage tests wait for the recovery.
					'server_login_retry = 1',
					`logfile = ${bouncerLog}`,
					`pidfile = ${join(dir, 'pgbouncer.pid')}`,
				].join('\n'),
			);
			const child = spawn(...withParentDeathSignal('KILL', pgbouncer, [ini]), { ...as, stdio: 'ignore' });
			child.on('error', () => {});
			bouncerProcess = child;
			try {
				await ready(bouncer, child, bouncerLog);
				break;
			} catch (error) {
				child.kill('SIGTERM');
				await exited(child);
				if (attempt >= 3 || !/bind|in use/i.test(String(error))) throw error;
			}
		}

		const stop = async (child: ChildProcess | undefined, signal: NodeJS.Signals) => {
			if (!child) return;
			child.kill(signal);
			await exited(child);
		};
		return {
			direct,
			bouncer,
			async stopPostgres(mode = 'immediate') {
				await stop(pgProcess, mode === 'fast' ? 'SIGINT' : 'SIGQUIT');
			},
			startPostgres: spawnPostgres,
			async close() {
				process.removeListener('exit', stopAll);
				// PgBouncer's SIGINT would wait for its clients to leave; SIGTERM does not.
				await Promise.all([stop(bouncerProcess, 'SIGTERM'), stop(pgProcess, 'SIGINT')]);
				rmSync(dir, { recursive: true, force: true });
			},
		};
	} catch (error) {
		stopAll();
		await Promise.all([pgProcess && exited(pgProcess), bouncerProcess && exited(bouncerProcess)]);
		process.removeListener('exit', stopAll);
		rmSync(dir, { recursive: true, force: true });
		throw error;
	}
}
