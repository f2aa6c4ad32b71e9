// Turns measurements into the printed table and docs/benchmarks.md.

import os from 'node:os';
import type { Measurement } from './client.ts';
import type { FingerprintFigures } from './fingerprint.ts';
import type { FsyncFigures } from './fsync-step.ts';
import type { ScanFigures } from './journal-scan.ts';
import { median } from './stats.ts';

/** One measurement and how busy the server process was during it (CPU time / wall time). */
export type Sample = { run: number; m: Measurement; serverBusy: number };

export type Row = {
	name: string;
	label: string;
	/** Set when the client was not measured ("not built", "not available"). */
	skipped: string | undefined;
	samples: Sample[];
};

export type Results = {
	settings: { runs: number; warmupMs: number; measureMs: number; concurrencies: number[]; quick: boolean };
	machine: string[];
	command: string;
	date: string;
	byConcurrency: Map<number, Row[]>;
	/** The 1-minute load average after each throughput measurement: how busy the machine was meanwhile. */
	throughputLoads: number[];
	fsync: FsyncFigures | string;
	fingerprint: FingerprintFigures[] | undefined;
	scan: ScanFigures | string;
	targets: { name: string; label: string; concurrency: number; min: number }[];
	wallSeconds: number;
};

const rate = (m: Measurement) => (m.ops * 1000) / m.elapsedMs;

/** Throughput of `row` over bare ky's in the same run, one ratio per run both were measured in. */
export function ratios(rows: Row[], row: Row): number[] {
	const ky = rows.find((r) => r.name === 'ky');
	if (!ky) return [];
	return row.samples.flatMap((sample) => {
		const base = ky.samples.find((s) => s.run === sample.run);
		return base ? [rate(sample.m) / rate(base.m)] : [];
	});
}

type Summary = {
	rps: number;
	ratio: number;
	p50: number;
	p99: number;
	cpuPerOp: number;
	rssMb: number;
	serverBusy: number;
	errors: number;
};

function summarise(rows: Row[], row: Row): Summary {
	const ms = row.samples.map((s) => s.m);
	return {
		rps: median(ms.map(rate)),
		ratio: median(ratios(rows, row)),
		p50: median(ms.map((m) => m.p50Ms)),
		p99: median(ms.map((m) => m.p99Ms)),
		cpuPerOp: median(ms.map((m) => m.cpuMicros / m.ops)),
		rssMb: median(ms.map((m) => m.maxRssKb / 1024)),
		serverBusy: median(row.samples.map((s) => s.serverBusy)),
		errors: ms.reduce((sum, m) => sum + m.errors, 0),
	};
}

const fixed = (n: number, digits: number) => (Number.isFinite(n) ? n.toFixed(digits) : '-');
const grouped = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-');

const HEADERS = [
	'client',
	'req/s',
	'vs ky',
	'p50 ms',
	'p99 ms',
	'CPU µs/op',
	'peak RSS MB',
	'server busy',
	'errors',
];

function cells(rows: Row[], row: Row): string[] {
	if (row.skipped !== undefined) return [row.label, row.skipped, '', '', '', '', '', '', ''];
	const s = summarise(rows, row);
	return [
		row.label,
		grouped(s.rps),
		fixed(s.ratio, 2),
		fixed(s.p50, 2),
		fixed(s.p99, 2),
		grouped(s.cpuPerOp),
		fixed(s.rssMb, 0),
		`${fixed(s.serverBusy * 100, 0)}%`,
		String(s.errors),
	];
}

function textTable(header: string[], body: string[][]): string {
	const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
	const line = (r: string[]) =>
		r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
	return [line(header), ...body.map(line)].join('\n');
}

const mdTable = (header: string[], body: string[][]) =>
	[
		`| ${header.join(' | ')} |`,
		`|${header.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`,
		...body.map((r) => `| ${r.join(' | ')} |`),
	].join('\n');

/** "MemoryJournal at concurrency 32: 0.93 of bare ky (target >= 0.90): meets target", one line per target. */
export function targetLines(results: Results): string[] {
	return results.targets.map(({ name, label, concurrency, min }) => {
		const rows = results.byConcurrency.get(concurrency) ?? [];
		const row = rows.find((r) => r.name === name);
		if (!row || row.skipped !== undefined)
			return `${label} at concurrency ${concurrency}: ${row?.skipped ?? 'not measured in this run'} (target >= ${min.toFixed(2)} of bare ky)`;
		const each = ratios(rows, row);
		const ratio = median(each);
		const verdict = ratio >= min ? 'meets target' : 'BELOW target';
		return `${label} at concurrency ${concurrency}: ${fixed(ratio, 2)} of bare ky (target >= ${min.toFixed(2)}): ${verdict}; per run: ${each.map((r) => r.toFixed(2)).join(' ')}`;
	});
}

const fingerprintBody = (figures: FingerprintFigures[]) =>
	figures.map((f) => [
		`${f.label} (${f.bytes.toLocaleString('en-US')} bytes)`,
		fixed(f.fingerprintMicros, 1),
		fixed(f.bytes / f.fingerprintMicros, 0),
		fixed(f.canonicalMicros, 1),
		fixed(f.stringifyMicros, 1),
	]);
const FINGERPRINT_HEADERS = ['JSON body', 'fingerprint µs', 'MB/s', 'canonicalJson µs', 'JSON.stringify µs'];

const ms = (micros: number) => `${fixed(micros / 1000, 2)} ms`;

/** "1.2-3.4": the range of 1-minute load averages met while a section was measured. */
export const loadRange = (loads: readonly number[]) =>
	loads.length === 0 ? '-' : `${fixed(Math.min(...loads), 1)}-${fixed(Math.max(...loads), 1)}`;

const FSYNC_HEADERS = ['FileJournal, concurrency 1', 'figure', 'how'];

function fsyncBody(f: FsyncFigures): string[][] {
	const share =
		f.addedMicros > 0 ? ` (${fixed((f.beyondMicros / f.addedMicros) * 100, 0)}% of the added latency)` : '';
	const other = Object.entries(f.otherCallsPerOp)
		.map(([name, n]) => `${name} ${fixed(n, 1)}`)
		.join(', ');
	const floor = f.runs.map((r) => r.floor);
	return [
		[
			'one fsync',
			`p50 ${ms(f.fsyncMedianMicros)}, p90 ${ms(f.fsyncP90Micros)}`,
			`1 KiB appended, then fdatasync, in a fresh directory of the OS temp dir; ${median(floor.map((x) => x.samples))} a run`,
		],
		[
			'one fsync inside FileJournal',
			`p50 ${ms(f.inJournalSyncP50Micros)}, p90 ${ms(f.inJournalSyncP90Micros)}`,
			'call to callback, timed through its `fs` option',
		],
		[
			'fsyncs per operation',
			fixed(f.fsyncsPerOp, 2),
			'counted through its `fs` option: the claim (before the request leaves) and the outcome',
		],
		['request p50, MemoryJournal', ms(f.memoryP50Micros), 'same server, same runs'],
		['request p50, FileJournal', ms(f.fileP50Micros), ''],
		['added by FileJournal', ms(f.addedMicros), 'FileJournal p50 - MemoryJournal p50, per run'],
		[
			'fsyncs x one fsync',
			`${ms(f.fsyncFloorMicros)} (alone: ${ms(f.fsyncFloorAloneMicros)})`,
			'fsyncs per operation x fsync p50 inside FileJournal (in brackets: alone), per run',
		],
		[
			'beyond the fsyncs',
			`${ms(f.beyondMicros)}${share} (alone: ${ms(f.beyondAloneMicros)})`,
			'added - fsyncs x one fsync, per run',
		],
		[
			"one commit's file-system calls alone",
			`p50 ${ms(median(floor.map((x) => x.lockedCommitMedianMicros)))}, p90 ${ms(median(floor.map((x) => x.lockedCommitP90Micros)))}`,
			'lock file created, log stat, append, lock file removed, fdatasync',
		],
		[
			'other file-system calls per operation',
			`${other}: ${ms(f.blockingMicrosPerOp)}`,
			'all synchronous (they block the event loop); time inside them, mean per operation',
		],
	];
}

function fsyncText(f: FsyncFigures | string): string {
	if (typeof f === 'string') return `FileJournal against its fsyncs: ${f}`;
	return `FileJournal at concurrency 1 against its fsyncs (median of ${f.runs.length} runs; load average ${loadRange(f.runs.map((r) => r.load))})\n${textTable(
		FSYNC_HEADERS.slice(0, 2),
		fsyncBody(f).map((row) => row.slice(0, 2)),
	)}`;
}

function fsyncMarkdown(f: FsyncFigures | string): string {
	if (typeof f === 'string') return `Not measured: ${f}.`;
	const commits = fixed(f.fsyncsPerOp, 0);
	return `Median of ${f.runs.length} runs, each measuring back to back in fresh processes: idemkey + MemoryJournal,
idemkey + FileJournal (every file-system call counted and every fsync timed through FileJournal's \`fs\` option), and
fsyncs alone. 1-minute load average during the runs: ${loadRange(f.runs.map((r) => r.load))}.

${mdTable(FSYNC_HEADERS, fsyncBody(f))}

At concurrency 1 no two writes share a group commit, so each journal write that must be durable costs one fsync, and
an operation needs ${commits}: the record is created already claimed and on disk before the request leaves (a crash
after the bytes left must find the key), and its outcome is on disk before the call returns. The rest of a commit is
synchronous file-system work under the journal's lock file (create it, stat the log, append one frame, remove it),
plus the queue's wait for the next event-loop turn, the thread-pool hop of each fdatasync and the encoding of the
frame. The floor of FileJournal at concurrency 1 is ${commits} fsyncs per request; the "beyond" row is what it adds
besides them, and should be small next to them (the row below it shows how much of it the synchronous calls take).
The fsyncs are priced as FileJournal met them (timed in the same window as the request latencies) and, in brackets,
alone; on a quiet machine the two agree, while on a busy one the disk's latency changes from second to second. At higher concurrency group
commit shares one fsync among every write issued meanwhile, which is why its throughput ratio rises there.`;
}

function scanText(scan: ScanFigures | string): string {
	if (typeof scan === 'string') return `FileJournal start-up scan: ${scan}`;
	return `FileJournal start-up scan of ${scan.records.toLocaleString('en-US')} records: ${fixed(scan.openMs, 0)} ms (peak RSS ${fixed(scan.maxRssKb / 1024, 0)} MB; writing them took ${fixed(scan.seedMs / 1000, 1)} s)`;
}

export function formatText(results: Results): string {
	const out: string[] = [];
	for (const [concurrency, rows] of results.byConcurrency) {
		out.push(`\nconcurrency ${concurrency}`);
		out.push(
			textTable(
				HEADERS,
				rows.map((row) => cells(rows, row)),
			),
		);
	}
	out.push('', ...targetLines(results));
	out.push('', fsyncText(results.fsync));
	if (results.fingerprint) out.push('', textTable(FINGERPRINT_HEADERS, fingerprintBody(results.fingerprint)));
	out.push('', scanText(results.scan));
	return out.join('\n');
}

export function formatMarkdown(results: Results): string {
	const { settings } = results;
	const sections = [...results.byConcurrency].map(
		([concurrency, rows]) =>
			`### Concurrency ${concurrency}\n\n${mdTable(
				HEADERS,
				rows.map((row) => cells(rows, row)),
			)}`,
	);
	return `# Benchmarks

Generated by \`${results.command}\` on ${results.date} (${Math.round(results.wallSeconds)} s). Re-run it to refresh this page.

## Machine

${results.machine.map((line) => `- ${line}`).join('\n')}

## Throughput against a loopback server

Every client sends the same POST (a small JSON body) to a \`node:http\` server running in its own process on
127.0.0.1, which answers 201 with a small JSON body (chunked: no Content-Length) and replays stored answers per
\`Idempotency-Key\`. Each cell is
the median of ${settings.runs} run(s); in each run every client is measured in a fresh process (${settings.warmupMs} ms
warm-up, then ${settings.measureMs} ms measured), in an order rotated from run to run so that drift in the machine's
load spreads over all of them. 1-minute load average during these runs: ${loadRange(results.throughputLoads)} on
${os.availableParallelism()} cores; the benchmark's own client and server account for up to about 2 of it, and well above that other
work shares the cores, so the figures are indicative only.

- **vs ky**: throughput over bare ky's in the same run (the median of the per-run ratios).
- **CPU µs/op**: the client process's CPU time (user + system) over the measured window, per request.
- **peak RSS MB**: the client process's peak resident set (\`resourceUsage().maxRSS\`), start-up included; a bare
  Node process is most of it, so compare rows rather than read absolutes. Journals keep every record of the run.
- **server busy**: the server process's CPU time over the window's wall time. Near 100% means the server, not the
  client, set the pace, which hides client overhead; CPU µs/op is the figure that still shows it.
- Idempotency-Keys: bare fetch and bare ky send none; idemkey mints, journals and sends one per call.
- RedisJournal and PostgresJournal: on a redis-server and a PostgreSQL the benchmark starts on loopback, as the tests do
  (Redis without persistence, PostgreSQL with \`fsync=off\`): the rows measure the client's round trips and the
  store's CPU, not a disk. One ioredis connection; a \`pg\` pool of 16; each client process has its own key prefix or
  table. The store's process shares the machine's cores with the client and the API server.

${sections.join('\n\n')}

### Targets (issues 10 and 11, DESIGN §6)

${targetLines(results)
	.map((line) => `- ${line}`)
	.join('\n')}

Where the CPU of a call goes, by function, and what idemkey adds over bare ky: \`npm run build && node bench/profile.ts\`
(profiles only the measured window; \`--kinds ky,file --concurrency 32\` for other pairs).

## FileJournal at concurrency 1, against its fsyncs

${fsyncMarkdown(results.fsync)}

## Fingerprinting a request body

\`fingerprint()\` is SHA-256 over method, path and the canonical JSON of the body (keys sorted); it runs once per
call. Median of timed batches in one process.

${results.fingerprint ? mdTable(FINGERPRINT_HEADERS, fingerprintBody(results.fingerprint)) : 'Not measured.'}

## Journal start-up

${scanText(results.scan)}.
`;
}
