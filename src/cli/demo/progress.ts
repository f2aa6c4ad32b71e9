import { count } from '../../utils/plural.js';
/** What the demo shows on stderr while it runs. */
export type Progress = {
	update(dialect: string, done: number, total: number): void;
	finished(dialect: string, operations: number, ms: number): void;
	/** Clears the updating line, if any. */
	end(): void;
};

/**
On a terminal, one line rewritten in place (at most every 100 ms); elsewhere (CI logs, pipes), one line per dialect
as it finishes, so a log is not flooded with carriage returns.
*/
export function progressOn(stream: NodeJS.WritableStream, dialects: readonly string[]): Progress {
	const tty = (stream as { isTTY?: boolean }).isTTY === true;
	const done = new Map(dialects.map((d) => [d, '0%']));
	let last = 0;
	let shown = false;
	const draw = (force: boolean) => {
		const now = performance.now();
		if (!force && now - last < 100) return;
		last = now;
		shown = true;
		stream.write(`\r\u001b[2K${[...done].map(([d, p]) => `${d} ${p}`).join('  ')}`);
	};
	return {
		update(dialect, count, total) {
			if (!tty) return;
			done.set(dialect, `${Math.floor((count / total) * 100)}%`);
			draw(false);
		},
		finished(dialect, operations, ms) {
			if (tty) {
				done.set(dialect, 'done');
				draw(true);
				return;
			}
			stream.write(`${dialect}: ${count(operations, 'operation')} done in ${(ms / 1000).toFixed(1)} s\n`);
		},
		end() {
			if (tty && shown) stream.write('\r\u001b[2K');
		},
	};
}
