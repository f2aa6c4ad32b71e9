import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { afterEach } from 'vitest';
import { run } from '../../src/cli/run.js';
import {
	type Handler,
	type LoopbackServer,
	type Received,
	sendJson,
	startServer,
} from '../helpers/loopback-server.js';

export type CliRun = { code: number; stdout: string; stderr: string };

class Collector extends Writable {
	text = '';
	override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void) {
		this.text += chunk.toString();
		done();
	}
}

type CliOptions = {
	cwd?: string;
	env?: Record<string, string>;
	stdin?: string;
	signal?: AbortSignal;
	/** Make stderr look like a terminal (`isTTY`), as when a person runs the command. */
	ttyStderr?: boolean;
};

/** A command running in-process: its output so far, and its exit code once it ends. */
export type RunningCli = {
	readonly stdout: () => string;
	readonly stderr: () => string;
	readonly code: Promise<number>;
};

/** Starts one `idemkey` command line in-process without waiting for it (for long-running commands like serve). */
export function startCli(argv: string[], options: CliOptions = {}): RunningCli {
	const stdout = new Collector();
	const stderr = Object.assign(new Collector(), options.ttyStderr ? { isTTY: true } : {});
	const code = run(argv, {
		stdout,
		stderr,
		stdin: Readable.from([Buffer.from(options.stdin ?? '')]),
		env: options.env ?? {},
		cwd: options.cwd ?? process.cwd(),
		...(options.signal ? { signal: options.signal } : {}),
	});
	return { stdout: () => stdout.text, stderr: () => stderr.text, code };
}

/** Runs one `idemkey` command line in-process. */
export async function cli(argv: string[], options: CliOptions = {}): Promise<CliRun> {
	const running = startCli(argv, options);
	const code = await running.code;
	return { code, stdout: running.stdout(), stderr: running.stderr() };
}

const dirs: string[] = [];
const servers: LoopbackServer[] = [];

afterEach(async () => {
	await Promise.all(servers.splice(0).map((s) => s.close()));
	await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** A scratch directory removed after the test. */
export async function scratch(): Promise<string> {
	const dir = await mkdtemp(join(tmpdir(), 'idemkey-cli-'));
	dirs.push(dir);
	return dir;
}

/** A loopback server closed after the test. */
export async function serve(handler: Handler): Promise<LoopbackServer> {
	const server = await startServer(handler);
	servers.push(server);
	return server;
}

export type KeyedServer = LoopbackServer & {
	/** Effects applied per Idempotency-Key. */
	readonly effects: Map<string, number>;
	readonly keysSeen: () => string[];
};

/** What a fault hook did with a request: answered it itself, or let the server apply it and then drop the answer. */
export type FaultAction = boolean | 'drop-after-commit';

/**
An IETF-style server: the first request with a key applies one effect and answers 201 with a fresh id; a repeat of the
key replays the stored answer with `Idempotent-Replayed: true`. `fault` runs first: `true` when it answered (or held)
the request itself, `'drop-after-commit'` to apply the request and then reset the connection instead of answering.
*/
export async function keyedServer(
	fault?: (req: Received, res: Parameters<Handler>[1], index: number) => FaultAction,
): Promise<KeyedServer> {
	const effects = new Map<string, number>();
	const stored = new Map<string, unknown>();
	const server = await serve((req, res, index) => {
		const action = fault?.(req, res, index) ?? false;
		if (action === true) return;
		const key = req.headers['idempotency-key'];
		if (typeof key !== 'string') return sendJson(res, 400, { code: 'missing_idempotency_key' });
		const answer = stored.get(key);
		if (answer === undefined) {
			effects.set(key, (effects.get(key) ?? 0) + 1);
			stored.set(key, { id: `b${effects.size}`, received: req.body.toString() });
		}
		if (action === 'drop-after-commit') res.destroy();
		else sendJson(res, 201, stored.get(key), { 'idempotent-replayed': String(answer !== undefined) });
	});
	const keysSeen = () => server.received.map((r) => String(r.headers['idempotency-key']));
	return Object.assign(server, { effects, keysSeen });
}

/** Every file under `dir`, read as text, concatenated: what a secret grep would see. */
export async function allFileText(dir: string): Promise<string> {
	const entries = await readdir(dir, { recursive: true, withFileTypes: true });
	const texts = await Promise.all(
		entries.filter((e) => e.isFile()).map((e) => readFile(join(e.parentPath, e.name), 'latin1')),
	);
	return texts.join('\n');
}

/** The fields of the status line on stderr: status, key, operation, attempts, replayed. */
export function statusFields(stderr: string): Record<string, string | undefined> {
	const line = stderr.split('\n').find((l) => /^idemkey: \d{3} /.test(l));
	if (!line) throw new Error(`no status line in: ${stderr}`);
	const [, status, ...pairs] = line.split(' ');
	return { status, ...Object.fromEntries(pairs.map((pair) => pair.split('=') as [string, string])) };
}

/** Polls until `check` holds (for events in another process or a running command), failing after `timeoutMs`. */
export async function until(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!check()) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 20));
	}
}
