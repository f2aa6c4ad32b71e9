import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, type Child, spawnCli } from './built-cli.js';
import { cli, keyedServer, scratch, until } from './support.js';

let main: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
	({ main, cleanup } = await buildCli());
}, 120_000);

afterAll(async () => {
	await cleanup?.();
});

const stop = (child: Child, signal: NodeJS.Signals) => {
	child.process.kill(signal);
	return child.exited;
};

describe('the built idemkey command', () => {
	it('prints the version and exits 0; an unknown command exits 2 without a stack trace', async () => {
		const cwd = await scratch();
		const version = spawnCli(main, ['--version'], { cwd });
		const unknown = spawnCli(main, ['frobnicate'], { cwd });
		expect(await version.exited).toBe(0);
		expect(version.stdout).toMatch(/^\d+\.\d+\.\d+/);
		expect(await unknown.exited).toBe(2);
		expect(unknown.stderr).not.toMatch(/\n\s+at /);
	});

	it('a process killed mid-request leaves the operation inflight; resume finishes it under the same key', async () => {
		let hold = true;
		const server = await keyedServer(() => hold); // holds requests (never answers) while `hold`
		const cwd = await scratch();
		const child = spawnCli(
			main,
			['request', 'POST', `${server.url}bookings`, '--op', 'book-1', '--json', '{"c":7}'],
			{
				cwd,
			},
		);
		await until(() => server.received.length === 1, 'the request to reach the server');

		expect(await stop(child, 'SIGKILL')).toBe('SIGKILL');
		const listed = JSON.parse((await cli(['pending', '--json'], { cwd })).stdout);
		hold = false;
		// Its lease would hold a plain resume off until it lapsed: --force says the process is gone.
		const resumed = await cli(['resume', 'book-1', '--force'], { cwd });

		expect(listed).toMatchObject([
			{ operation: 'book-1', state: 'inflight', attempts: 1, key: server.keysSeen()[0] },
		]);
		expect(resumed.code).toBe(0);
		expect(server.keysSeen()).toEqual([listed[0].key, listed[0].key]);
		expect([...server.effects.values()]).toEqual([1]);
	});

	it('SIGINT stops a request with exit 130; rerunning the command finishes it under the same key', async () => {
		let hold = true;
		const server = await keyedServer(() => hold);
		const cwd = await scratch();
		const argv = ['request', 'POST', `${server.url}bookings`, '--json', '{"c":8}'];
		const child = spawnCli(main, argv, { cwd });
		await until(() => server.received.length === 1, 'the request to reach the server');

		expect(await stop(child, 'SIGINT')).toBe(130);
		hold = false;
		const rerun = spawnCli(main, argv, { cwd });

		expect(await rerun.exited).toBe(0);
		expect(JSON.parse(rerun.stdout)).toMatchObject({ received: '{"c":8}' });
		const keys = server.keysSeen();
		expect(keys).toHaveLength(2);
		expect(keys[1]).toBe(keys[0]);
	});

	it('serve prints its URL, answers like the dialect, and stops cleanly on SIGTERM', async () => {
		const cwd = await scratch();
		const child = spawnCli(main, ['serve', '--dialect', 'stripe'], { cwd });
		await until(() => child.stdout.includes('\n'), 'the URL');
		const url = child.stdout.trim();
		const argv = ['request', 'POST', `${url}bookings`, '--dialect', 'stripe', '--json', '{"classId":"c7"}'];

		const first = await cli(argv, { cwd });
		const key = /key=(\S+)/.exec(first.stderr)?.[1];
		const replay = await fetch(`${url}bookings`, {
			method: 'POST',
			headers: { 'idempotency-key': key ?? '', 'content-type': 'application/json' },
			body: '{"classId":"c7"}',
		});

		expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/$/);
		expect(first.code).toBe(0);
		expect(replay.headers.get('idempotent-replayed')).toBe('true');
		expect(await replay.json()).toEqual(JSON.parse(first.stdout));
		expect(await stop(child, 'SIGTERM')).toBe(0);
		expect(child.stderr).toMatch(/served 2 requests: 1 effect, 0 duplicated/);
	});
});
