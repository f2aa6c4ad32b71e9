// One measurement in a fresh process: one client kind at one concurrency. A fresh process per measurement is what
// makes peak RSS mean "this client" and keeps one client's JIT state and garbage from leaking into the next.
// Protocol (IPC with run.ts): send `ready`; wait for `go` (the parent has read the server's CPU clock); measure;
// send `done` with the figures; exit. With a profile path as sixth argument, the measured window (and only it: not
// start-up, not warm-up) is CPU-profiled through the inspector and the profile written there.
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { kindNamed } from './clients.ts';
import type { Counters } from './counting-fs.ts';
import { percentile } from './stats.ts';

export type Measurement = {
	ops: number;
	errors: number;
	elapsedMs: number;
	p50Ms: number;
	p99Ms: number;
	/** Client CPU (user + system) over the measured window, in µs. */
	cpuMicros: number;
	/** Peak resident set of this process over its life, in KB. */
	maxRssKb: number;
	firstError: string | undefined;
	/** What the client counted over the measured window (file-system calls ...), for clients that count. */
	counters?: Counters;
};

const [kindName = '', concurrencyArg = '', warmupArg = '', measureArg = '', baseUrl = '', profilePath] =
	process.argv.slice(2);
const concurrency = Number(concurrencyArg);
const client = await kindNamed(kindName).make(baseUrl);

let next = 0;
let firstError: string | undefined;

/** Keeps `concurrency` calls in flight until `until`; every call started before it is awaited. */
async function drive(until: number, latencies: number[] | undefined) {
	let ops = 0;
	let errors = 0;
	const worker = async () => {
		while (performance.now() < until) {
			const started = performance.now();
			try {
				const status = await client.call(next++);
				if (status !== 201) {
					errors++;
					firstError ??= `HTTP ${status}`;
				}
			} catch (error) {
				errors++;
				firstError ??= String(error);
			}
			ops++;
			latencies?.push(performance.now() - started);
		}
	};
	await Promise.all(Array.from({ length: concurrency }, worker));
	return { ops, errors };
}

const waitFor = (type: string) =>
	new Promise<void>((resolve) => {
		const listener = (message: { type: string }) => {
			if (message.type !== type) return;
			process.off('message', listener);
			resolve();
		};
		process.on('message', listener);
	});

async function startProfiler() {
	const session = new Session();
	session.connect();
	await session.post('Profiler.enable');
	// 1 ms (the default) gives too few samples per function at a few thousand calls a second.
	await session.post('Profiler.setSamplingInterval', { interval: 100 });
	await session.post('Profiler.start');
	return {
		async stop() {
			const { profile } = await session.post('Profiler.stop');
			session.disconnect();
			return profile;
		},
	};
}

await drive(performance.now() + Number(warmupArg), undefined);
const go = waitFor('go');
process.send?.({ type: 'ready' });
await go;

const profiler = profilePath === undefined ? undefined : await startProfiler();
const latencies: number[] = [];
client.resetCounters?.();
const cpuBefore = process.cpuUsage();
const started = performance.now();
const { ops, errors } = await drive(started + Number(measureArg), latencies);
const elapsedMs = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
const countersAfter = client.counters?.();
if (profiler && profilePath !== undefined)
	await writeFile(profilePath, JSON.stringify(await profiler.stop()));
latencies.sort((a, b) => a - b);

const measurement: Measurement = {
	ops,
	errors,
	elapsedMs,
	p50Ms: percentile(latencies, 50),
	p99Ms: percentile(latencies, 99),
	cpuMicros: cpu.user + cpu.system,
	maxRssKb: process.resourceUsage().maxRSS,
	firstError,
	...(countersAfter && { counters: countersAfter }),
};
await new Promise((resolve) => process.send?.({ type: 'done', measurement }, resolve));
await client.close();
process.disconnect();
