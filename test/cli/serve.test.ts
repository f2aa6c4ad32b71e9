import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFaults } from '../../src/cli/serve/faults.js';
import { CHAOS_FAULTS } from '../../src/testing/chaos/defaults.js';
import { buildCli, type Child, spawnCli } from './built-cli.js';
import { cli, keyedServer, scratch, startCli, until } from './support.js';

/** Starts `idemkey serve` in-process and waits for the URL it prints. */
async function startServe(flags: string[]) {
	const controller = new AbortController();
	const running = startCli(['serve', ...flags], { signal: controller.signal });
	await until(() => running.stdout().includes('\n') || running.stderr() !== '', 'serve to print its URL');
	return { ...running, url: running.stdout().trim(), stop: () => controller.abort() };
}

describe('idemkey serve', () => {
	it('a fault spec drops every answer after commit: the command retries under one key, one effect', async () => {
		const server = await startServe([
			'--dialect',
			'bardge',
			'--faults',
			'drop-after-commit=1',
			'--seed',
			'3',
		]);
		const cwd = await scratch();
		const argv = ['request', 'POST', `${server.url}bookings`, '--dialect', 'bardge', '--op', 'b1'];

		const out = await cli([...argv, '--json', '{"classId":"c7"}', '--retries', '2'], { cwd });
		const pending = JSON.parse((await cli(['pending', '--json'], { cwd })).stdout);
		server.stop();

		expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/$/);
		expect(out.code).toBe(6);
		expect(pending).toMatchObject([{ operation: 'b1', state: 'unknown', attempts: 3 }]);
		expect(await server.code).toBe(0);
		expect(server.stderr()).toMatch(/served 3 requests: 1 effect, 0 duplicated/);
	});

	it("serves under /v1/ by default, as the docs' URLs say; --base-path moves it", async () => {
		const v1 = await startServe(['--dialect', 'stripe']);
		const root = await startServe(['--dialect', 'stripe', '--base-path', '/']);
		const post = (url: string) =>
			fetch(url, {
				method: 'POST',
				headers: { 'idempotency-key': 'k1', 'content-type': 'application/json' },
				body: '{"classId":"c7"}',
			}).then((r) => r.status);
		const origin = (url: string) => new URL(url).origin;

		const statuses = [
			await post(`${origin(v1.url)}/v1/bookings`),
			await post(`${origin(v1.url)}/bookings`),
			await post(`${origin(root.url)}/bookings`),
		];
		v1.stop();
		root.stop();

		expect(statuses).toEqual([201, 404, 201]);
		expect(root.url).toBe(`${origin(root.url)}/`);
	});

	it('--cors answers a preflight for the key header and exposes the replay header on answers', async () => {
		const server = await startServe(['--dialect', 'stripe', '--cors']);
		const plain = await startServe(['--dialect', 'stripe']);
		const preflight = (url: string) =>
			fetch(`${url}bookings`, {
				method: 'OPTIONS',
				headers: {
					origin: 'http://app.test',
					'access-control-request-method': 'POST',
					'access-control-request-headers': 'content-type,idempotency-key',
				},
			});

		const allowed = await preflight(server.url);
		const refused = await preflight(plain.url);
		const answer = await fetch(`${server.url}bookings`, {
			method: 'POST',
			headers: { origin: 'http://app.test', 'idempotency-key': 'k1', 'content-type': 'application/json' },
			body: '{}',
		});
		server.stop();
		plain.stop();
		await Promise.all([server.code, plain.code]);

		expect(allowed.status).toBe(204);
		expect(allowed.headers.get('access-control-allow-origin')).toBe('*');
		expect(allowed.headers.get('access-control-allow-methods')).toMatch(/\bPOST\b/);
		expect(allowed.headers.get('access-control-allow-headers')?.toLowerCase().split(', ')).toEqual(
			expect.arrayContaining(['content-type', 'idempotency-key']),
		);
		expect(refused.headers.get('access-control-allow-origin')).toBeNull();
		expect(answer.status).toBe(201);
		expect(answer.headers.get('access-control-allow-origin')).toBe('*');
		expect(answer.headers.get('access-control-expose-headers')).toMatch(/Idempotent-Replayed/);
		// Preflights are not requests of the API: nothing served, nothing applied.
		expect(server.stderr()).toMatch(/served 1 request: 1 effect, 0 duplicated/);
	});

	it('a port in use is one clear line and exit 2', async () => {
		const taken = await keyedServer();
		const port = new URL(taken.url).port;

		const out = await cli(['serve', '--dialect', 'ietf', '--port', port]);

		expect(out.code).toBe(2);
		expect(out.stderr).toMatch(
			new RegExp(`^idemkey: cannot listen on 127\\.0\\.0\\.1:${port} \\(EADDRINUSE\\)`),
		);
		expect(out.stderr.trim().split('\n')).toHaveLength(1);
	});

	it.each([
		[[], /serve needs --dialect/],
		[['--dialect', 'soap'], /Unknown dialect "soap"/],
		[['--dialect', 'ietf', '--faults', 'gremlins=0.5'], /unknown fault "gremlins"/],
		[['--dialect', 'ietf', '--faults', '500=2'], /rate must be a number from 0 to 1/],
		[['--dialect', 'ietf', '--faults', '500=0.6,429=0.6'], /add up to 1\.2/],
		[['--dialect', 'ietf', '--faults', 'latency=0.5'], /expected RATE:MAXMS/],
		[['--dialect', 'ietf', '--port', '70000'], /--port/],
		[['--dialect', 'ietf', '--base-path', '/v1?x'], /--base-path/],
	])('%j is a usage error (exit 2)', async (flags, message) => {
		const out = await cli(['serve', ...flags]);
		expect(out.code).toBe(2);
		expect(out.stderr).toMatch(message);
		expect(out.stdout).toBe('');
	});
});

describe('the built idemkey serve across a restart', () => {
	let main: string;
	let cleanup: () => Promise<void>;
	beforeAll(async () => {
		({ main, cleanup } = await buildCli());
	}, 120_000);
	afterAll(() => cleanup?.());

	/** Starts the built `idemkey serve` and waits for its URL. */
	async function serveProcess(flags: string[], cwd: string): Promise<Child & { url: string }> {
		const child = spawnCli(main, ['serve', '--dialect', 'bardge', ...flags], { cwd });
		await until(
			() => child.stdout.includes('\n') || child.process.exitCode !== null,
			'serve to print its URL',
		);
		return Object.assign(child, { url: child.stdout.trim() });
	}
	const stop = async (child: Child) => {
		child.process.kill('SIGINT');
		return child.exited;
	};

	it("--state: the docs' rehearsal (answer lost, restart the server, resume --all) applies the booking once", async () => {
		const cwd = await scratch();
		const first = await serveProcess(['--state', 'server.json', '--faults', 'drop-after-commit=1'], cwd);
		const port = new URL(first.url).port;
		const request = [
			'request',
			'POST',
			`http://127.0.0.1:${port}/v1/bookings`,
			...['--dialect', 'bardge', '--op', 'rehearsal-1', '--retries', '1', '--json', '{"classId":"c7"}'],
		];

		const lost = await cli(request, { cwd });
		expect(await stop(first)).toBe(0);
		const second = await serveProcess(['--state', 'server.json', '--port', port], cwd);
		const resumed = await cli(['resume', '--all', '--dialect', 'bardge'], { cwd });
		expect(await stop(second)).toBe(0);

		expect(lost.code).toBe(6); // outcome_unknown: applied, answer lost twice
		expect(first.stderr).toMatch(
			/served 2 requests: 1 effect; with earlier runs \(server\.json\): 1 effect, 0 duplicated/,
		);
		expect(resumed.code).toBe(0);
		expect(resumed.stdout).toMatch(/^ok rehearsal-1 201 .*replayed=true$/m);
		expect(second.stderr).toMatch(
			/served 1 request: 0 effects; with earlier runs \(server\.json\): 1 effect, 0 duplicated/,
		);
		const saved = JSON.parse(await readFile(join(cwd, 'server.json'), 'utf8'));
		expect(saved.logicalEffects).toHaveLength(1);
	});

	it('--state refuses a file it cannot read back, with exit 2 and before listening', async () => {
		const cwd = await scratch();
		await writeFile(join(cwd, 'other.json'), '{"not":"a state file"}');
		const child = spawnCli(main, ['serve', '--dialect', 'bardge', '--state', 'other.json'], { cwd });

		expect(await child.exited).toBe(2);
		expect(child.stdout).toBe('');
		expect(child.stderr).toMatch(/^idemkey: --state other\.json: .*not an emulator state file/);
	});
});

describe('--faults', () => {
	it('maps the names a user types to the emulator rates, delays included', () => {
		expect(parseFaults('drop-after-commit=0.1, 503-before=0.05,latency=0.2:20,hold=0.1:5-50')).toEqual({
			dropAfterCommit: 0.1,
			unavailableBefore: 0.05,
			latency: { probability: 0.2, minMs: 0, maxMs: 20 },
			hold: { probability: 0.1, minMs: 5, maxMs: 50 },
		});
		expect(parseFaults('chaos')).toBe(CHAOS_FAULTS);
	});
});
