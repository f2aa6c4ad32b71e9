import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/cli/exit-codes.js';
import { cli } from './support.js';

const COMMANDS = ['request', 'pending', 'inspect', 'resume', 'abandon', 'resolve', 'serve', 'demo'];

describe('help and version', () => {
	it.each(COMMANDS)('"idemkey %s --help" prints its usage and exits 0', async (command) => {
		for (const flag of ['--help', '-h']) {
			const out = await cli([command, flag]);
			expect(out.code).toBe(0);
			expect(out.stdout).toMatch(new RegExp(`^Usage: idemkey ${command}`));
			expect(out.stderr).toBe('');
		}
		// `idemkey help <command>` is the same text.
		expect((await cli(['help', command])).stdout).toBe((await cli([command, '--help'])).stdout);
	});

	it('"idemkey --help" lists every command and the exit-code table', async () => {
		const out = await cli(['--help']);
		expect(out.code).toBe(0);
		for (const command of COMMANDS) expect(out.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
		for (const [name, code] of Object.entries(EXIT_CODES)) {
			expect(out.stdout, name).toMatch(new RegExp(`^  ${code} +\\S`, 'm'));
		}
	});

	it('request --help explains the derived operation id and that secrets are never journaled', async () => {
		const out = await cli(['request', '--help']);
		expect(out.stdout).toMatch(/derived from the method, the URL and the\s+body/);
		expect(out.stdout).toMatch(/rerunning the identical command is the same operation/);
		expect(out.stdout).toMatch(
			/Authorization, Cookie and API-key headers\s+are sent but never written to the journal/,
		);
		expect(out.stdout).toMatch(/journal is a directory of files \(mode 0600\) that outlives the process/);
	});

	it('"idemkey --version" prints the package version', async () => {
		const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as {
			version: string;
		};
		const out = await cli(['--version']);
		expect(out).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
	});

	it('no command prints the usage on stderr and exits 2', async () => {
		const out = await cli([]);
		expect(out.code).toBe(2);
		expect(out.stdout).toBe('');
		expect(out.stderr).toMatch(/^Usage: idemkey <command>/);
	});

	it.each([
		[['frobnicate'], /unknown command "frobnicate"/],
		[['--frobnicate'], /unknown option "--frobnicate"/],
		[['abandon'], /abandon takes one operation id/],
		[['resolve', 'a', 'b'], /resolve takes one operation id/],
		[['resolve', 'a', '--status', 'ok'], /--status must be a whole number from 200 to 299/],
		[['resume'], /one operation id or --all/],
		[['resume', 'op-1', '--all'], /one operation id or --all/],
		[['resume', 'op-1', '--concurrency', '2'], /--concurrency goes with --all/],
		[['resume', '--all', '--base-url', 'http://h/some/path'], /--base-url takes an http\(s\) origin/],
		[['request', 'POST'], /exactly a METHOD and a URL/],
		[['request', 'POST', 'not-a-url'], /not an absolute URL/],
		[['request', 'POST', 'ftp://h/x'], /not an http\(s\) URL/],
		[['request', 'PO ST', 'http://h/x'], /not an HTTP method/],
		[['request', 'POST', 'http://h/x', '--json', '1', '--data', 'x'], /either --json or --data/],
		[['request', 'POST', 'http://h/x', '--op'], /argument missing/],
	])('%j is a usage error (exit 2) with one clear line', async (argv, message) => {
		const out = await cli(argv);
		expect(out.code).toBe(2);
		expect(out.stderr).toMatch(message);
		expect(out.stderr.trim().split('\n')).toHaveLength(1);
	});
});
