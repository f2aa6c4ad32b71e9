import { describe, expect, it } from 'vitest';
import { parseFaults } from '../../src/cli/serve/faults.js';
import { CHAOS_FAULTS } from '../../src/testing/chaos/defaults.js';
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

		expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
		expect(out.code).toBe(6);
		expect(pending).toMatchObject([{ operation: 'b1', state: 'unknown', attempts: 3 }]);
		expect(await server.code).toBe(0);
		expect(server.stderr()).toMatch(/served 3 requests: 1 effect, 0 duplicated/);
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
	])('%j is a usage error (exit 2)', async (flags, message) => {
		const out = await cli(['serve', ...flags]);
		expect(out.code).toBe(2);
		expect(out.stderr).toMatch(message);
		expect(out.stdout).toBe('');
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
