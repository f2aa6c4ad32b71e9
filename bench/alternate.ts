// Two ways of making the same call, measured in turns in one process: batches at a fixed concurrency, alternating
// which goes first. Batches next to each other see the same machine, so their ratio holds on a shared machine where
// separate processes measured minutes apart do not. Used by tracing-cost.ts and tracing-floor.ts.
import { parseArgs } from 'node:util';
import { median } from './stats.ts';

type Call = (i: number) => Promise<unknown>;

/** The measurement's options (and a script's own `extra` ones), all strings. */
export const alternateArgs = (extra: Record<string, { type: 'string'; default: string }> = {}) =>
	parseArgs({
		options: {
			rounds: { type: 'string', default: '12' },
			calls: { type: 'string', default: '3000' },
			concurrency: { type: 'string', default: '32' },
			ratio: { type: 'string', default: '1' },
			...extra,
		},
	}).values as Record<string, string>;

/** Wall ms and client CPU µs per call over one batch of `calls` calls. */
async function batch(call: Call, calls: number, concurrency: number, first: number) {
	const cpu = process.cpuUsage();
	const started = performance.now();
	let sent = 0;
	await Promise.all(
		Array.from({ length: concurrency }, async () => {
			while (sent < calls) await call(first + sent++);
		}),
	);
	const used = process.cpuUsage(cpu);
	return { wallMs: (performance.now() - started) / calls, cpuMicros: (used.user + used.system) / calls };
}

/** Medians over `rounds` of on/off throughput and on/off CPU per call, printed per round on stderr. */
export async function alternate(
	clients: { off: Call; on: Call },
	{ rounds, calls, concurrency }: { rounds: number; calls: number; concurrency: number },
) {
	let next = 0;
	const run = async (name: 'off' | 'on') => {
		const got = await batch(clients[name], calls, concurrency, next);
		next += calls;
		return got;
	};
	await run('off');
	await run('on');
	const throughput: number[] = [];
	const cpu: number[] = [];
	for (let round = 0; round < rounds; round++) {
		const order = round % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const);
		const got = { off: { wallMs: 0, cpuMicros: 0 }, on: { wallMs: 0, cpuMicros: 0 } };
		for (const name of order) got[name] = await run(name);
		throughput.push(got.off.wallMs / got.on.wallMs);
		cpu.push(got.on.cpuMicros / got.off.cpuMicros);
		process.stderr.write(
			`round ${round + 1}/${rounds}: throughput on/off ${throughput.at(-1)?.toFixed(3)}, CPU per call on/off ${cpu.at(-1)?.toFixed(3)} (off ${got.off.cpuMicros.toFixed(0)} µs)\n`,
		);
	}
	const fixed = (n: number) => Number(n.toFixed(3));
	return { throughputOnOverOff: fixed(median(throughput)), cpuPerCallOnOverOff: fixed(median(cpu)) };
}
