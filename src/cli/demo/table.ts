import type { ChaosReport } from '../../testing/chaos/report.js';

const COLUMNS: readonly (readonly [title: string, value: (report: ChaosReport) => string])[] = [
	['dialect', (r) => r.dialect],
	['operations', (r) => String(r.operations)],
	['attempts', (r) => String(r.attempts)],
	['retries', (r) => String(r.retries)],
	['replays', (r) => String(r.replays)],
	['effects', (r) => String(r.effects)],
	['duplicates', (r) => String(r.duplicates)],
	['lost', (r) => String(r.lost)],
	['unknown', (r) => String(r.unknown)],
	['p50 ms', (r) => r.p50Ms.toFixed(0)],
	['p99 ms', (r) => r.p99Ms.toFixed(0)],
];

/** One row per dialect, columns aligned (the dialect left, numbers right). */
export function formatTable(reports: readonly ChaosReport[]): string {
	const rows = [COLUMNS.map(([title]) => title), ...reports.map((r) => COLUMNS.map(([, value]) => value(r)))];
	const widths = COLUMNS.map((_, i) => Math.max(...rows.map((row) => (row[i] as string).length)));
	const pad = (cell: string, i: number) =>
		i === 0 ? cell.padEnd(widths[i] as number) : cell.padStart(widths[i] as number);
	return rows.map((row) => row.map(pad).join('  ')).join('\n');
}
