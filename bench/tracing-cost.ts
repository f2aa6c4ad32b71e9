// `node bench/tracing-cost.ts` (after `npm run build`): what tracing costs a call, in one process, against the bench's
// loopback server. Two clients on the same MemoryJournal setup, one with `tracing: false`, the other traced by the
// real SDK (registered globally, AsyncLocalStorage context manager, batching processor, in-memory exporter), take
// turns: batches of calls at concurrency 32, alternating which goes first. Batches next to each other see the same
// machine, so the ratio holds on a shared machine where separate processes measured minutes apart do not (the
// `memory-traced` row of `npm run bench` is that other view). Prints medians of the per-round ratios as JSON.
//
//   node bench/tracing-cost.ts [--rounds 12] [--calls 1500] [--concurrency 32]
import { parseArgs } from 'node:util';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, BatchSpanProcessor, InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { createClient, MemoryJournal } from '../dist/index.js';
import { startServer } from './children.ts';
import { median } from './stats.ts';

const { values: args } = parseArgs({
	options: { rounds: { type: 'string' }, calls: { type: 'string' }, concurrency: { type: 'string' } },
});
const rounds = Number(args.rounds ?? 12);
const calls = Number(args.calls ?? 1500);
const concurrency = Number(args.concurrency ?? 32);

const exporter = new InMemorySpanExporter();
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
trace.setGlobalTracerProvider(
	new BasicTracerProvider({
		spanProcessors: [
			new BatchSpanProcessor(exporter, {
				maxQueueSize: 1_000_000,
				maxExportBatchSize: 4096,
				scheduledDelayMillis: 200,
			}),
		],
	}),
);
setInterval(() => exporter.reset(), 1000).unref();

const server = await startServer();
const clients = {
	off: createClient({ baseUrl: server.baseUrl, journal: new MemoryJournal(), tracing: false }),
	on: createClient({ baseUrl: server.baseUrl, journal: new MemoryJournal() }),
};
let next = 0;

/** Wall ms and client CPU µs per call over one batch. */
async function batch(api: (typeof clients)['on']): Promise<{ wallMs: number; cpuMicros: number }> {
	const cpu = process.cpuUsage();
	const started = performance.now();
	let sent = 0;
	await Promise.all(
		Array.from({ length: concurrency }, async () => {
			while (sent < calls) {
				sent++;
				const i = next++;
				await api.post('bookings', { json: { classId: `c${i % 500}`, clientId: `u${i}`, seats: 1 } });
			}
		}),
	);
	const used = process.cpuUsage(cpu);
	return { wallMs: (performance.now() - started) / calls, cpuMicros: (used.user + used.system) / calls };
}

try {
	await batch(clients.off);
	await batch(clients.on);
	const wall: number[] = [];
	const cpu: number[] = [];
	for (let round = 0; round < rounds; round++) {
		const order = round % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const);
		const got = { off: { wallMs: 0, cpuMicros: 0 }, on: { wallMs: 0, cpuMicros: 0 } };
		for (const name of order) got[name] = await batch(clients[name]);
		const slower = got.on.wallMs / got.off.wallMs;
		const costlier = got.on.cpuMicros / got.off.cpuMicros;
		wall.push(slower);
		cpu.push(costlier);
		process.stderr.write(
			`round ${round + 1}/${rounds}: throughput on/off ${(1 / slower).toFixed(3)}, CPU per call on/off ${costlier.toFixed(3)}\n`,
		);
	}
	const fixed = (n: number) => Number(n.toFixed(3));
	process.stdout.write(
		`${JSON.stringify({
			concurrency,
			calls,
			rounds,
			throughputOnOverOff: fixed(1 / median(wall)),
			cpuPerCallOnOverOff: fixed(median(cpu)),
		})}\n`,
	);
} finally {
	server.stop();
}
