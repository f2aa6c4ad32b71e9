// A node:fs for FileJournal (its `fs` option) that counts every call it makes, times each fsync from the call to its
// callback and sums the time spent in its synchronous calls (which block the event loop, so they add to latency): how the fsync step learns how many fsyncs an operation costs and how long the journal waited on them,
// from FileJournal itself rather than from a reading of its code that could go stale.
import nodeFs from 'node:fs';
import { percentile } from './stats.ts';

export type Counters = Record<string, number>;

type Callback = (error: NodeJS.ErrnoException | null) => void;

const SYNCS = ['fdatasync', 'fsync'] as const;
const CALLS = [
	'closeSync',
	'fstatSync',
	'ftruncateSync',
	'mkdirSync',
	'openSync',
	'readdirSync',
	'readFileSync',
	'readSync',
	'renameSync',
	'statSync',
	'unlinkSync',
	'writeSync',
] as const;

export type CountingFs = {
	fs: typeof nodeFs;
	/**
	Calls per name since the last reset, `syncWaitP50Micros` / `syncWaitP90Micros` over its fsyncs, and
	`blockingMicros`, the time spent inside the synchronous calls.
	*/
	counters(): Counters;
	reset(): void;
};

export function countingFs(): CountingFs {
	let counts: Counters = {};
	let blocking = 0;
	let waits: number[] = [];
	const count = (name: string) => {
		counts[name] = (counts[name] ?? 0) + 1;
	};
	const fs: Record<string, unknown> = { ...nodeFs };
	for (const name of CALLS) {
		const real = nodeFs[name] as (...args: unknown[]) => unknown;
		fs[name] = (...args: unknown[]) => {
			count(name);
			const started = performance.now();
			try {
				return real(...args);
			} finally {
				blocking += (performance.now() - started) * 1000;
			}
		};
	}
	for (const name of SYNCS) {
		const real = nodeFs[name];
		fs[name] = (fd: number, callback: Callback) => {
			count(name);
			const started = performance.now();
			real(fd, (error) => {
				waits.push((performance.now() - started) * 1000);
				callback(error);
			});
		};
	}
	return {
		fs: fs as unknown as typeof nodeFs,
		counters() {
			const sorted = [...waits].sort((a, b) => a - b);
			return {
				...counts,
				blockingMicros: blocking,
				syncWaitP50Micros: percentile(sorted, 50),
				syncWaitP90Micros: percentile(sorted, 90),
			};
		},
		reset() {
			counts = {};
			blocking = 0;
			waits = [];
		},
	};
}
