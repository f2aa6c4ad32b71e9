import { parseArgs } from 'node:util';
import type { DialectName } from '../dialects/types.js';
import type { ChaosReport } from '../testing/chaos/report.js';
import { type ChaosOptions, runChaos } from '../testing/chaos/run.js';
import { serverProfiles } from '../testing/profiles/catalog.js';
import { progressOn } from './demo/progress.js';
import { formatTable } from './demo/table.js';
import { EXIT_CODES } from './exit-codes.js';

const DIALECTS = Object.keys(serverProfiles) as DialectName[];
const DEFAULT_OPERATIONS = 2_000;
const DEFAULT_CONCURRENCY = 16;

export const demoHelp = `Usage: idemkey demo [options]

Shows idemkey surviving a hostile network. For each dialect, starts the dialect emulator on
loopback with every fault on (answers dropped after the effect was applied, connection resets,
503s before and after the effect, 500s, 429s, in-progress answers, latency, keys held busy),
then runs thousands of operations through idemkey clients: several callers sharing one
journal, some operations double-clicked or rerun by a second caller. Every operation is then
checked against the server: an effect applied twice is a duplicate; a call told "succeeded"
with no effect on the server, told "not applied" when it was, or ended in an untyped error is
lost. "unknown" counts operations reported as OutcomeUnknownError (maybe applied: the truth,
not a loss). Progress goes to stderr, the table to stdout.

Options:
  --operations N        operations per dialect (default: ${DEFAULT_OPERATIONS})
  --dialect NAME        ${DIALECTS.join(' | ')}; repeat it or give a comma list
                        (default: all of them, run at the same time)
  --concurrency N       operations in flight per dialect (default: ${DEFAULT_CONCURRENCY})
  --seed N              seed of the faults and the operation mix (default: 1)
  -h, --help            show this help

Exit status: 0 when no operation was duplicated or lost, 13 otherwise, 2 on a usage error.`;

const FLAGS = {
	operations: { type: 'string' },
	dialect: { type: 'string', multiple: true },
	concurrency: { type: 'string' },
	seed: { type: 'string' },
	help: { type: 'boolean', short: 'h' },
} as const;

type Io = { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };

/** What a demo run does per dialect; `runChaos` unless a test substitutes it. */
export type DemoRunner = (options: ChaosOptions) => Promise<ChaosReport>;

class UsageError extends Error {}

/** `idemkey demo`: returns the exit code (0 clean, 13 a duplicate or a lost operation, 2 bad usage). */
export async function demoCommand(argv: readonly string[], io: Io): Promise<number> {
	return runDemo(argv, io, runChaos);
}

/** {@link demoCommand} with the per-dialect run injectable (tests prove the exit code on a failing run). */
export async function runDemo(argv: readonly string[], io: Io, run: DemoRunner): Promise<number> {
	let settings: ReturnType<typeof parse>;
	try {
		settings = parse(argv);
	} catch (error) {
		if (!(error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))) {
			throw error;
		}
		io.stderr.write(`idemkey demo: ${(error as Error).message}\nRun "idemkey demo --help" for usage.\n`);
		return EXIT_CODES.usage;
	}
	if (settings === 'help') {
		io.stdout.write(`${demoHelp}\n`);
		return EXIT_CODES.ok;
	}
	const { dialects, operations, concurrency, seed } = settings;
	const progress = progressOn(io.stderr, dialects);
	const started = performance.now();
	let reports: ChaosReport[];
	try {
		reports = await Promise.all(
			dialects.map(async (dialect) => {
				const report = await run({
					dialect,
					operations,
					concurrency,
					seed,
					onProgress: (done, total) => progress.update(dialect, done, total),
				});
				progress.finished(dialect, report.operations, report.wallMs);
				return report;
			}),
		);
	} finally {
		progress.end();
	}
	const wallMs = performance.now() - started;
	io.stdout.write(`${formatTable(reports)}\n\nTotal wall time: ${(wallMs / 1000).toFixed(1)} s\n`);
	const failed = reports.filter((r) => r.duplicates > 0 || r.lost > 0);
	for (const r of failed) {
		const lost = r.lostOperations.map((l) => `  lost ${l.operation}: ${l.why}`);
		const dup = r.duplicateEffects.map(([id, n]) => `  duplicated ${id}: applied ${n} times`);
		io.stderr.write(`${r.dialect}:\n${[...dup, ...lost].join('\n')}\n`);
	}
	if (failed.length > 0) return EXIT_CODES.demo_failed;
	io.stdout.write('No operation was applied twice and none was lost.\n');
	return EXIT_CODES.ok;
}

function parse(argv: readonly string[]) {
	const { values } = parseArgs({ args: [...argv], options: FLAGS, strict: true, allowPositionals: false });
	if (values.help) return 'help' as const;
	const dialects = (values.dialect ?? DIALECTS).flatMap((d) => d.split(',')).map((d) => d.trim());
	for (const d of dialects) {
		if (!(DIALECTS as string[]).includes(d)) {
			throw new UsageError(`unknown dialect "${d}"; use one of ${DIALECTS.join(', ')}.`);
		}
	}
	return {
		dialects: [...new Set(dialects)] as DialectName[],
		operations: int('operations', values.operations, DEFAULT_OPERATIONS, 1),
		concurrency: int('concurrency', values.concurrency, DEFAULT_CONCURRENCY, 1),
		seed: int('seed', values.seed, 1, 0),
	};
}

function int(name: string, text: string | undefined, fallback: number, min: number): number {
	if (text === undefined) return fallback;
	const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
	if (!Number.isSafeInteger(n) || n < min) {
		throw new UsageError(`--${name} must be a whole number >= ${min}, got "${text}".`);
	}
	return n;
}
