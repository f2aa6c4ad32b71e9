// FileJournal at concurrency 1, explained against its fsyncs (issue 10 item 8). Each run measures, back to back in
// fresh processes: idemkey + MemoryJournal, idemkey + FileJournal with every file-system call counted, and one fsync
// alone (fsync-floor.ts). The journal's added latency per operation is FileJournal's median request latency over
// MemoryJournal's; what the fsyncs explain is fsyncs per operation x the median fsync; the rest is what FileJournal
// costs beyond its fsyncs (its other file-system calls, its queue and lock, encoding). Medians over runs.
// The fsyncs are priced twice: as FileJournal met them (timed through its `fs` option in the same window as the
// request latencies, so the same disk traffic from other processes) and alone. On a quiet machine the two agree; on a
// busy one the disk changes from second to second and only the first is measured at the same moment.
import os from 'node:os';
import { jsonFrom, measure, type Server } from './children.ts';
import type { Counters } from './counting-fs.ts';
import type { FsyncFloor } from './fsync-floor.ts';
import { median } from './stats.ts';

export type FsyncRun = {
	floor: FsyncFloor;
	memoryP50Micros: number;
	fileP50Micros: number;
	ops: number;
	/** FileJournal's file-system calls over the window (see counting-fs.ts). */
	counters: Counters;
	/** 1-minute load average when the run ended. */
	load: number;
};

export type FsyncFigures = {
	runs: FsyncRun[];
	fsyncMedianMicros: number;
	fsyncP90Micros: number;
	fsyncsPerOp: number;
	memoryP50Micros: number;
	fileP50Micros: number;
	/** FileJournal's p50 over MemoryJournal's. */
	addedMicros: number;
	/** fsyncs per operation x the median fsync FileJournal met. */
	fsyncFloorMicros: number;
	/** addedMicros - fsyncFloorMicros. */
	beyondMicros: number;
	/** The same two with the fsync measured alone. */
	fsyncFloorAloneMicros: number;
	beyondAloneMicros: number;
	/** How long FileJournal itself waited on its fsyncs (call to callback), to compare with the fsync alone. */
	inJournalSyncP50Micros: number;
	inJournalSyncP90Micros: number;
	/** Mean µs per operation inside FileJournal's synchronous file-system calls (the lock file, stat, append). */
	blockingMicrosPerOp: number;
	/** Every other file-system call per operation, by name. */
	otherCallsPerOp: Record<string, number>;
};

const SYNC_NAMES = ['fdatasync', 'fsync'];

export async function fsyncStep(
	server: Server,
	options: { runs: number; warmupMs: number; measureMs: number; log: (line: string) => void },
): Promise<FsyncFigures> {
	const runs: FsyncRun[] = [];
	for (let run = 0; run < options.runs; run++) {
		const { warmupMs, measureMs } = options;
		const at = { concurrency: 1, warmupMs, measureMs };
		// Alternate who goes first so that neither journal always meets the busier moment.
		const order =
			run % 2 === 0 ? (['memory', 'file-counted'] as const) : (['file-counted', 'memory'] as const);
		const measured: Partial<
			Record<(typeof order)[number], Awaited<ReturnType<typeof measure>>['measurement']>
		> = {};
		for (const kind of order) {
			const { measurement } = await measure(server, { kind, ...at });
			if (measurement.errors > 0)
				throw new Error(`${kind}: ${measurement.errors} errors, first: ${measurement.firstError}`);
			measured[kind] = measurement;
		}
		const floor = await jsonFrom<FsyncFloor>('fsync-floor.ts', []);
		const memory = measured.memory;
		const file = measured['file-counted'];
		if (!memory || !file?.counters) throw new Error('the counted FileJournal client reported no counters');
		runs.push({
			floor,
			memoryP50Micros: memory.p50Ms * 1000,
			fileP50Micros: file.p50Ms * 1000,
			ops: file.ops,
			counters: file.counters,
			load: os.loadavg()[0] ?? Number.NaN,
		});
		const last = summarise(runs.slice(-1));
		options.log(
			`fsync step, run ${run + 1}/${options.runs}: fsync ${(last.fsyncMedianMicros / 1000).toFixed(2)} ms, ${last.fsyncsPerOp.toFixed(2)} fsyncs/op, FileJournal +${(last.addedMicros / 1000).toFixed(2)} ms/op over MemoryJournal`,
		);
	}
	return summarise(runs);
}

function summarise(runs: FsyncRun[]): FsyncFigures {
	const perOp = (run: FsyncRun, name: string) => (run.counters[name] ?? 0) / run.ops;
	const syncs = (run: FsyncRun) => SYNC_NAMES.reduce((n, name) => n + perOp(run, name), 0);
	const fsyncMedianMicros = median(runs.map((r) => r.floor.syncMedianMicros));
	const fsyncsPerOp = median(runs.map(syncs));
	const memoryP50Micros = median(runs.map((r) => r.memoryP50Micros));
	const fileP50Micros = median(runs.map((r) => r.fileP50Micros));
	const inJournal = (r: FsyncRun) => r.counters.syncWaitP50Micros ?? Number.NaN;
	const alone = (r: FsyncRun) => r.floor.syncMedianMicros;
	const names = new Set(runs.flatMap((r) => Object.keys(r.counters)));
	const other = [...names]
		.filter((n) => !SYNC_NAMES.includes(n) && !n.startsWith('syncWait') && n !== 'blockingMicros')
		.sort();
	// Per run, then the median: the figures of one run met the same machine.
	const floor = (price: (r: FsyncRun) => number) => median(runs.map((r) => syncs(r) * price(r)));
	const beyond = (price: (r: FsyncRun) => number) =>
		median(runs.map((r) => r.fileP50Micros - r.memoryP50Micros - syncs(r) * price(r)));
	return {
		runs,
		fsyncMedianMicros,
		fsyncP90Micros: median(runs.map((r) => r.floor.syncP90Micros)),
		fsyncsPerOp,
		memoryP50Micros,
		fileP50Micros,
		addedMicros: median(runs.map((r) => r.fileP50Micros - r.memoryP50Micros)),
		fsyncFloorMicros: floor(inJournal),
		beyondMicros: beyond(inJournal),
		fsyncFloorAloneMicros: floor(alone),
		beyondAloneMicros: beyond(alone),
		inJournalSyncP50Micros: median(runs.map((r) => r.counters.syncWaitP50Micros ?? Number.NaN)),
		inJournalSyncP90Micros: median(runs.map((r) => r.counters.syncWaitP90Micros ?? Number.NaN)),
		blockingMicrosPerOp: median(runs.map((r) => perOp(r, 'blockingMicros'))),
		otherCallsPerOp: Object.fromEntries(
			other.map((n) => [n, median(runs.map((r) => perOp(r, n)))] as const).filter(([, n]) => n > 0),
		),
	};
}
