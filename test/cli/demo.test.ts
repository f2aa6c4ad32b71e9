import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { demoCommand, demoHelp, runDemo } from '../../src/cli/demo.js';
import type { ChaosReport } from '../../src/testing/index.js';

/** A stream that keeps what was written; `tty` makes it look like a terminal. */
function sink(tty = false) {
	const stream = Object.assign(new PassThrough(), { isTTY: tty });
	let text = '';
	stream.on('data', (chunk: Buffer) => {
		text += chunk.toString();
	});
	return { stream, text: () => text };
}

function io(tty = false) {
	const stdout = sink();
	const stderr = sink(tty);
	return { io: { stdout: stdout.stream, stderr: stderr.stream }, stdout: stdout.text, stderr: stderr.text };
}

/** The table rows as objects keyed by column title. */
function table(stdout: string): Record<string, string>[] {
	const lines = stdout.split('\n');
	const header = (lines[0] as string).split(/\s{2,}/);
	const rows = lines.slice(1, lines.indexOf(''));
	return rows.map((row) =>
		Object.fromEntries(
			row
				.trim()
				.split(/\s{2,}/)
				.map((cell, i) => [header[i], cell]),
		),
	);
}

const emptyReport: ChaosReport = {
	dialect: '',
	operations: 7,
	calls: 7,
	attempts: 7,
	retries: 0,
	replays: 0,
	effects: 7,
	duplicates: 0,
	lost: 0,
	succeeded: 7,
	unknown: 0,
	errors: {},
	faults: {},
	p50Ms: 1,
	p99Ms: 1,
	wallMs: 1,
	lostOperations: [],
	duplicateEffects: [],
};

describe('idemkey demo', () => {
	it('runs the chosen dialects against faulty emulators and prints one clean row per dialect', async () => {
		const run = io();
		const code = await demoCommand(
			['--operations', '150', '--dialect', 'ietf,bardge', '--seed', '3'],
			run.io,
		);
		expect(code).toBe(0);
		const rows = table(run.stdout());
		expect(rows.map((r) => r.dialect)).toEqual(['ietf', 'bardge']);
		for (const row of rows) {
			expect(row).toMatchObject({ operations: '150', duplicates: '0', lost: '0' });
			expect(Number(row.attempts)).toBeGreaterThan(150);
			expect(Number(row.retries)).toBeGreaterThan(0);
			expect(Number(row['p99 ms'])).toBeGreaterThanOrEqual(Number(row['p50 ms']));
		}
		expect(run.stdout()).toMatch(/Total wall time: \d+\.\d s/);
		expect(run.stderr()).toMatch(/^ietf: 150 operations done in/m);
		expect(run.stderr()).toMatch(/^bardge: 150 operations done in/m);
	});

	it('accepts --dialect repeated and shows progress as one updating line on a terminal', async () => {
		const run = io(true);
		const code = await demoCommand(
			['--operations', '60', '--dialect', 'stripe', '--dialect', 'repull'],
			run.io,
		);
		expect(code).toBe(0);
		expect(table(run.stdout()).map((r) => r.dialect)).toEqual(['stripe', 'repull']);
		expect(run.stderr()).toContain('\r');
		expect(run.stderr()).toContain('stripe done');
		expect(run.stderr()).not.toContain('\n');
	});

	it('exits 13 and names the operations when a run duplicated or lost one', async () => {
		const run = io();
		const bad = (dialect: string): ChaosReport => ({
			...emptyReport,
			dialect,
			effects: 8,
			duplicates: 1,
			lost: 1,
			lostOperations: [{ operation: 'op-4', why: 'a call ended in an untyped Error: boom' }],
			duplicateEffects: [['op-7', 2]],
		});
		const code = await runDemo(['--dialect', 'ietf'], run.io, async (options) =>
			bad(String(options.dialect)),
		);
		expect(code).toBe(13);
		expect(run.stderr()).toContain('duplicated op-7: applied 2 times');
		expect(run.stderr()).toContain('lost op-4: a call ended in an untyped Error: boom');
		expect(run.stdout()).not.toContain('No operation was applied twice');
	});

	it('passes the flags to each dialect run, every dialect by default', async () => {
		const seen: unknown[] = [];
		const run = io();
		await runDemo(['--operations', '7', '--concurrency', '3', '--seed', '9'], run.io, async (options) => {
			seen.push({ ...options, onProgress: undefined });
			return { ...emptyReport, dialect: String(options.dialect) };
		});
		expect(seen).toEqual(
			['ietf', 'stripe', 'bardge', '42min', 'repull', 'problem'].map((dialect) => ({
				dialect,
				operations: 7,
				concurrency: 3,
				seed: 9,
				onProgress: undefined,
			})),
		);
	});

	it('--help prints the usage and exits 0', async () => {
		const run = io();
		expect(await demoCommand(['--help'], run.io)).toBe(0);
		expect(run.stdout()).toBe(`${demoHelp}\n`);
		expect(demoHelp).toMatch(/--operations N[\s\S]*--dialect NAME[\s\S]*--concurrency N[\s\S]*--seed N/);
	});

	it.each([
		[['--operations', '0'], /--operations must be a whole number >= 1/],
		[['--operations', 'many'], /--operations must be a whole number/],
		[['--dialect', 'ietf,soap'], /unknown dialect "soap"/],
		[['--fast'], /Unknown option '--fast'/],
		[['extra'], /Unexpected argument 'extra'/],
	])('%j is a usage error (exit 2) that says what to fix', async (argv, message) => {
		const run = io();
		expect(await demoCommand(argv, run.io)).toBe(2);
		expect(run.stderr()).toMatch(message);
		expect(run.stdout()).toBe('');
	});
});
