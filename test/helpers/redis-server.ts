import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export type RedisServerOptions = {
	/** Keep an append-only file, fsynced on every write (`appendfsync always`), so data survives a kill. */
	aof?: boolean;
	/** Run as a one-node cluster holding every slot, so scripts touching keys of two slots fail as in a cluster. */
	cluster?: boolean;
};

export type RedisServer = {
	readonly host: '127.0.0.1';
	readonly port: number;
	readonly url: string;
	readonly dir: string;
	/** Kills the server (SIGKILL by default: a crash, nothing flushed beyond what its settings already made durable). */
	stop(signal?: NodeJS.Signals): Promise<void>;
	/** Starts it again on the same port and directory. */
	start(): Promise<void>;
	/** Stops it and removes its directory. */
	close(): Promise<void>;
};

const running = new Set<ChildProcess>();
// A test file that ends without closing its server (a crash, a timeout) must not leave redis-server behind.
process.once('exit', () => {
	for (const child of running) child.kill('SIGKILL');
});

function requireBinary(): void {
	const found = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
	if (found.error || found.status !== 0) {
		throw new Error(
			'redis-server is not installed: these tests start a real Redis. Install the Debian package (apt-get install redis-server) or run `npm test`, which installs it.',
		);
	}
}

const freePort = (): Promise<number> =>
	new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number };
			server.close(() => resolve(port));
		});
	});

/** Resolves once the server answers PING with PONG on a raw connection; rejects after `timeoutMs`. */
async function waitForPong(port: number, child: ChildProcess, timeoutMs = 10_000): Promise<void> {
	const until = Date.now() + timeoutMs;
	for (;;) {
		if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}`);
		const pong = await new Promise<boolean>((resolve) => {
			const socket = createConnection({ host: '127.0.0.1', port });
			socket.setTimeout(500, () => socket.destroy());
			socket.once('error', () => resolve(false));
			socket.once('close', () => resolve(false));
			socket.once('data', (data) => {
				resolve(data.toString().startsWith('+PONG'));
				socket.destroy();
			});
			socket.once('connect', () => socket.write('PING\r\n'));
		});
		if (pong) return;
		if (Date.now() > until) throw new Error(`redis-server on port ${port} did not answer PING`);
		await new Promise((resolve) => setTimeout(resolve, 25));
	}
}

function command(port: number, ...args: string[]): string {
	const out = spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { encoding: 'utf8' });
	if (out.status !== 0) throw new Error(`redis-cli ${args.join(' ')} failed: ${out.stderr}`);
	return out.stdout.trim();
}

/** A private redis-server on 127.0.0.1, an ephemeral port and a temporary directory. */
export async function startRedis(options: RedisServerOptions = {}): Promise<RedisServer> {
	requireBinary();
	const dir = mkdtempSync(path.join(tmpdir(), 'idemkey-redis-'));
	const port = await freePort();
	const args = [
		'--port',
		String(port),
		'--bind',
		'127.0.0.1',
		'--dir',
		dir,
		'--save',
		'',
		'--daemonize',
		'no',
		'--logfile',
		'',
		'--loglevel',
		'warning',
		...(options.aof ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']),
		...(options.cluster
			? [
					'--cluster-enabled',
					'yes',
					'--cluster-config-file',
					path.join(dir, 'nodes.conf'),
					// Without it the node lists itself with an empty address, which a cluster client cannot reach.
					'--cluster-announce-ip',
					'127.0.0.1',
				]
			: []),
	];
	let child: ChildProcess | undefined;
	const start = async () => {
		const started = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'inherit'] });
		child = started;
		running.add(started);
		started.once('exit', () => running.delete(started));
		await waitForPong(port, started);
		if (options.cluster) {
			// A fresh node owns no slot; a restarted one remembers its slots in nodes.conf.
			if (command(port, 'CLUSTER', 'INFO').includes('cluster_slots_assigned:0')) {
				command(port, 'CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
			}
			const until = Date.now() + 10_000;
			while (!command(port, 'CLUSTER', 'INFO').includes('cluster_state:ok')) {
				if (Date.now() > until) throw new Error('the one-node cluster did not become ready');
				await new Promise((resolve) => setTimeout(resolve, 50));
			}
		}
	};
	const stop = async (signal: NodeJS.Signals = 'SIGKILL') => {
		const current = child;
		child = undefined;
		if (!current || current.exitCode !== null || current.signalCode !== null) return;
		const exited = new Promise((resolve) => current.once('exit', resolve));
		current.kill(signal);
		await exited;
	};
	await start();
	return {
		host: '127.0.0.1',
		port,
		url: `redis://127.0.0.1:${port}`,
		dir,
		stop,
		start,
		close: async () => {
			await stop();
			rmSync(dir, { recursive: true, force: true });
		},
	};
}
