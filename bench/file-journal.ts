// FileJournal's cost, on its own: the throughput of idemkey with FileJournal over the same client with
// MemoryJournal (DESIGN §6: >= 0.70 at concurrency 32), and the start-up scan of a journal of 100,000 records
// (< 1 s). Same plumbing as `npm run bench` (server in its own process, one fresh client process per measurement),
// but the two journals are measured back to back in alternating order and the ratio is taken per pair, so that a
// change in machine load between pairs does not skew it.
//
//   npm run build && node bench/file-journal.ts [--runs 7] [--duration 2000] [--records 100000] [--opens 5]
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { jsonFrom, measure, startServer } from './children.ts';
import { median } from './stats.ts';

const { values: args } = parseArgs({
	options: {
		runs: { type: 'string', default: '7' },
		warmup: { type: 'string', default: '500' },
		duration: { type: 'string', default: '2000' },
		concurrency: { type: 'string', default: '1,32' },
		records: { type: 'string', default: '100000' },
		opens: { type: 'string', default: '5' },
	},
});
const runs = Number(args.runs);
const warmupMs = Number(args.warmup);
const measureMs = Number(args.duration);
const records = Number(args.records);
const opens = Number(args.opens);

const log = (line: string) => process.stderr.write(`${line}\n`);
const fixed = (values: number[], digits: number) => values.map((v) => v.toFixed(digits)).join(' ');

async function throughput(): Promise<void> {
	const server = await startServer();
	try {
		for (const concurrency of args.concurrency.split(',').map(Number)) {
			const rates: Record<'memory' | 'file', number[]> = { memory: [], file: [] };
			const ratios: number[] = [];
			for (let run = 0; run < runs; run++) {
				const order = run % 2 === 0 ? (['memory', 'file'] as const) : (['file', 'memory'] as const);
				const rate: Partial<Record<'memory' | 'file', number>> = {};
				for (const kind of order) {
					const { measurement: m } = await measure(server, { kind, concurrency, warmupMs, measureMs });
					if (m.errors > 0) throw new Error(`${kind}: ${m.errors} errors, first: ${m.firstError}`);
					rate[kind] = (m.ops * 1000) / m.elapsedMs;
					rates[kind].push(rate[kind]);
				}
				ratios.push((rate.file as number) / (rate.memory as number));
				log(
					`  concurrency ${concurrency}, run ${run + 1}/${runs}: ratio ${(ratios.at(-1) as number).toFixed(2)}`,
				);
			}
			console.log(
				`concurrency ${String(concurrency).padStart(2)}: MemoryJournal ${median(rates.memory).toFixed(0)} req/s, FileJournal ${median(rates.file).toFixed(0)} req/s, FileJournal/MemoryJournal ${median(ratios).toFixed(2)} (median of ${runs} pairs: ${fixed(ratios, 2)})`,
			);
		}
	} finally {
		server.stop();
	}
}

async function scan(): Promise<void> {
	const directory = await mkdtemp(path.join(os.tmpdir(), 'idemkey-bench-scan-'));
	try {
		log(`  writing ${records} records`);
		await jsonFrom('journal-scan.ts', ['seed', directory, String(records)]);
		const timings: number[] = [];
		for (let i = 0; i < opens; i++) {
			const { openMs } = await jsonFrom<{ openMs: number }>('journal-scan.ts', ['open', directory]);
			timings.push(openMs);
		}
		console.log(
			`start-up scan of ${records} records: ${median(timings).toFixed(0)} ms (median of ${opens} fresh processes: ${fixed(timings, 0)} ms)`,
		);
	} finally {
		await rm(directory, { recursive: true, force: true });
	}
}

console.log(
	`Node ${process.version}, ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'unknown CPU'}, load average ${fixed(os.loadavg(), 2)}, journals in ${os.tmpdir()}`,
);
await throughput();
await scan();
