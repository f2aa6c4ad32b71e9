// `npm run bench`: idemkey's overhead against bare fetch and bare ky on a loopback server, FileJournal at
// concurrency 1 against its fsyncs, RedisJournal and PostgresJournal on servers of their own (started here, like the
// tests start them), the cost of fingerprinting a body, and the FileJournal start-up scan. Prints a table and writes
// docs/benchmarks.md.
//
//   npm run bench                  default run (5 runs x concurrency 1, 32, 128), about 3 minutes on 2 cores
//   npm run bench -- --quick       one short run, for a smoke test; writes nothing
//   node bench/run.ts --runs 3 --clients ky,memory --concurrency 32 --no-fsync   (after `npm run build`)
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { jsonFrom, measure, startServer } from './children.ts';
import { CLIENT_KINDS, kindNamed } from './clients.ts';
import type { FingerprintFigures } from './fingerprint.ts';
import { type FsyncFigures, fsyncStep } from './fsync-step.ts';
import type { ScanFigures } from './journal-scan.ts';
import { formatMarkdown, formatText, type Results, type Row } from './report.ts';
import { startStores } from './stores.ts';

const { values: args } = parseArgs({
	allowNegative: true,
	options: {
		quick: { type: 'boolean', default: false },
		runs: { type: 'string' },
		warmup: { type: 'string' },
		duration: { type: 'string' },
		concurrency: { type: 'string' },
		clients: { type: 'string' },
		'scan-records': { type: 'string' },
		write: { type: 'boolean' },
		fsync: { type: 'boolean', default: true },
	},
});
const quick = args.quick === true;
const runs = Number(args.runs ?? (quick ? 1 : 5));
const warmupMs = Number(args.warmup ?? (quick ? 200 : 500));
const measureMs = Number(args.duration ?? (quick ? 500 : 1500));
const concurrencies = (args.concurrency ?? '1,32,128').split(',').map(Number);
const wanted = args.clients?.split(',');
const scanRecords = Number(args['scan-records'] ?? (quick ? 10_000 : 100_000));
// A quick run is a smoke test: its figures are too short-lived to publish.
const write = args.write ?? !quick;

const log = (line: string) => process.stderr.write(`${line}\n`);

function machine(): string[] {
	const cpus = os.cpus();
	const gb = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GB`;
	return [
		`CPU: ${cpus[0]?.model ?? 'unknown'} x ${cpus.length} (available parallelism ${os.availableParallelism()})`,
		`Memory: ${gb(os.totalmem())} (${gb(os.freemem())} free at start)`,
		`OS: ${os.type()} ${os.release()} ${os.arch()}`,
		`Node: ${process.version}`,
		`Load average at start (1/5/15 min): ${os
			.loadavg()
			.map((n) => n.toFixed(2))
			.join(' / ')}: other work on the machine shares its cores with the benchmark`,
	];
}

async function scan(): Promise<ScanFigures | string> {
	const fileKind = CLIENT_KINDS.find((k) => k.name === 'file');
	const reason = await fileKind?.unavailable();
	if (reason !== undefined) return reason;
	const directory = await mkdtemp(path.join(os.tmpdir(), 'idemkey-bench-scan-'));
	try {
		log(`journal scan: writing ${scanRecords} records`);
		const { seedMs } = await jsonFrom<{ seedMs: number }>('journal-scan.ts', [
			'seed',
			directory,
			String(scanRecords),
		]);
		log('journal scan: opening them in a fresh process');
		const opened = await jsonFrom<{ openMs: number; maxRssKb: number }>('journal-scan.ts', [
			'open',
			directory,
		]);
		return { records: scanRecords, seedMs, ...opened };
	} finally {
		await rm(directory, { recursive: true, force: true });
	}
}

async function main() {
	const started = performance.now();
	const host = machine();
	const kinds = CLIENT_KINDS.filter((k) => !wanted || wanted.includes(k.name));
	const stores = await startStores(
		kinds.map((k) => k.name),
		log,
	);
	const skipped = new Map(
		await Promise.all(kinds.map(async (k) => [k.name, await k.unavailable()] as const)),
	);
	const measured = kinds.filter((k) => skipped.get(k.name) === undefined);
	const byConcurrency = new Map<number, Row[]>(
		concurrencies.map((c) => [
			c,
			kinds.map((k) => ({ name: k.name, label: k.label, skipped: skipped.get(k.name), samples: [] })),
		]),
	);

	const server = await startServer();
	let fsync: FsyncFigures | string = 'not measured (--no-fsync)';
	const throughputLoads: number[] = [];
	try {
		for (let run = 0; run < runs; run++) {
			for (const concurrency of concurrencies) {
				const rows = byConcurrency.get(concurrency) ?? [];
				// Rotate who goes first so that no client always measures a warmer or busier machine.
				const order = measured.map((_, i) => measured[(i + run) % measured.length]);
				for (const kind of order) {
					if (!kind) continue;
					const { measurement, serverBusy } = await measure(server, {
						kind: kind.name,
						concurrency,
						warmupMs,
						measureMs,
					});
					rows.find((r) => r.name === kind.name)?.samples.push({ run, m: measurement, serverBusy });
					throughputLoads.push(os.loadavg()[0] ?? Number.NaN);
					const rps = Math.round((measurement.ops * 1000) / measurement.elapsedMs);
					log(
						`run ${run + 1}/${runs}  concurrency ${String(concurrency).padStart(3)}  ${kind.label.padEnd(24)} ${String(rps).padStart(6)} req/s${measurement.errors ? `  ${measurement.errors} errors, first: ${measurement.firstError}` : ''}`,
					);
				}
			}
		}
		if (args.fsync) {
			const reason = await kindNamed('file-counted').unavailable();
			fsync = reason ?? (await fsyncStep(server, { runs, warmupMs, measureMs, log }));
		}
	} finally {
		server.stop();
		await stores.stop();
	}

	log('fingerprint: timing 100 B, 1 KB and 64 KB bodies');
	const fingerprint = await jsonFrom<FingerprintFigures[]>('fingerprint.ts', quick ? ['--quick'] : []);
	const scanFigures = await scan();

	const results: Results = {
		settings: { runs, warmupMs, measureMs, concurrencies, quick },
		machine: host,
		command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
		date: new Date().toISOString().slice(0, 10),
		byConcurrency,
		throughputLoads,
		fsync,
		fingerprint,
		scan: scanFigures,
		// Issue 10 item 8 and DESIGN §6.
		targets: [
			{ name: 'memory', concurrency: 1, min: 0.9 },
			{ name: 'memory', concurrency: 32, min: 0.95 },
			{ name: 'file', concurrency: 32, min: 0.7 },
			// Issue 11 item 7.
			{ name: 'redis', concurrency: 32, min: 0.8 },
			{ name: 'postgres', concurrency: 32, min: 0.6 },
		].map((target) => ({
			...target,
			label: CLIENT_KINDS.find((k) => k.name === target.name)?.label ?? target.name,
		})),
		wallSeconds: (performance.now() - started) / 1000,
	};
	process.stdout.write(`${formatText(results)}\n`);
	if (write) {
		const file = path.join(import.meta.dirname, '..', 'docs', 'benchmarks.md');
		await writeFile(file, formatMarkdown(results));
		log(`\nwrote ${path.relative(process.cwd(), file)}`);
	}
}

await main();
