// The parent side of the multi-worker kill test: an emulator with faults on, WORKERS processes sharing one journal,
// SIGKILLed and restarted at random moments until KILLS kills landed, then every worker run to the end.
import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { createClient } from '../../../src/client/create.js';
import { CHAOS_FAULTS } from '../../../src/testing/chaos/defaults.js';
import { mulberry32 } from '../../../src/testing/faults/prng.js';
import { createEmulator, type Emulator, type FaultRates } from '../../../src/testing/index.js';
import { waitFor } from '../../helpers/virtual-time.js';
import { bundleScript } from '../../journal/node/bundle.js';
import { type JournalSpec, openJournal } from './journals.js';
import { operationsOf, POOL, WORKERS, type WorkerReport } from './plan.js';

export const KILLS = 20;

/**
The chaos mix, with holds kept short: a lease (1 s in the fleet) must outlast the longest time the server spends on
one request, or a killed owner's last request could still be processed when another worker takes the operation over.
Longest here: 15 ms latency + 100 ms hold + processing.
*/
const FLEET_FAULTS: FaultRates = { ...CHAOS_FAULTS, hold: { probability: 0.05, minMs: 10, maxMs: 100 } };

/** What one run of the fleet did, for the assertions and for the closing note. */
export type FleetRun = {
	readonly emulator: Emulator;
	/** Each worker's list of operations, by worker index. */
	readonly lists: readonly string[][];
	/** Each worker's report from the run that got to the end. */
	readonly reports: readonly WorkerReport[];
	readonly kills: number;
	/** Operations the journal still lists as unfinished once every worker is done. */
	readonly unfinished: number;
	/** Operations another worker took over after their owner died mid-attempt (the journal's `interruptions`). */
	readonly takenOver: number;
	readonly seconds: number;
};

type Running = { child: ChildProcess; exited: Promise<number | string>; ended: boolean; output(): string };

let script: Promise<string> | undefined;
/** Workers not yet exited and emulators: stopped after the test file, so that a failed run leaves none behind. */
const live = new Set<ChildProcess>();
const emulators: Emulator[] = [];
afterAll(async () => {
	for (const child of live) child.kill('SIGKILL');
	await Promise.all(emulators.splice(0).map((emulator) => emulator.close()));
});

/** Runs the fleet on the journal `spec` names. Its emulator and workers are stopped after the test file. */
export async function runFleet(spec: JournalSpec, seed: number): Promise<FleetRun> {
	script ??= bundleScript(join(import.meta.dirname, 'worker.ts'));
	const file = await script;
	const started = performance.now();
	const emulator = await createEmulator({ dialect: 'ietf', faults: FLEET_FAULTS, seed, processingMs: 2 });
	emulators.push(emulator);
	const start = (index: number): Running => {
		const child = fork(file, [JSON.stringify(spec), emulator.url, String(index), String(seed)], {
			stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
		});
		live.add(child);
		child.once('exit', () => live.delete(child));
		let out = '';
		child.stdout?.on('data', (chunk: Buffer) => {
			out += chunk;
		});
		const running: Running = {
			child,
			ended: false,
			output: () => out,
			exited: new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code ?? -1))),
		};
		void running.exited.then(() => {
			running.ended = true;
		});
		return running;
	};

	const workers = Array.from({ length: WORKERS }, (_, index) => start(index));
	const random = mulberry32(seed);
	const requests = () => emulator.state.requests.length;
	let kills = 0;
	while (kills < KILLS && workers.some((w) => !w.ended)) {
		// A random moment measured in the fleet's progress, not in time, whatever the machine's speed: after 0 to 160
		// more requests reach the server (the whole run makes a few thousand).
		const target = requests() + Math.floor(random() * 161);
		await waitFor(
			() => requests() >= target || workers.every((w) => w.ended),
			'the fleet to progress',
			60_000,
		);
		const alive = workers.map((w, index) => ({ w, index })).filter(({ w }) => !w.ended);
		const victim = alive[Math.floor(random() * alive.length)];
		if (!victim) break;
		victim.w.child.kill('SIGKILL');
		const end = await victim.w.exited;
		if (end !== 'SIGKILL' && end !== 0) throw new Error(`worker ${victim.index} failed (${end})`);
		if (end === 'SIGKILL') {
			kills++;
			workers[victim.index] = start(victim.index);
		}
	}
	const reports: WorkerReport[] = [];
	for (const [index, worker] of workers.entries()) {
		const end = await worker.exited;
		if (end !== 0) throw new Error(`worker ${index} failed (${end}): ${worker.output()}`);
		reports.push(JSON.parse(worker.output()) as WorkerReport);
	}

	const lists = Array.from({ length: WORKERS }, (_, index) => operationsOf(index, seed));
	const opened = await openJournal(spec);
	const unfinished = (await createClient({ journal: opened.journal, scope: 'fleet' }).pending()).length;
	let takenOver = 0;
	for (const operation of new Set(lists.flat())) {
		const record = await opened.journal.get('fleet', operation);
		if ((record?.interruptions ?? 0) > 0) takenOver++;
	}
	await opened.close();
	return {
		emulator,
		lists,
		reports,
		kills,
		unfinished,
		takenOver,
		seconds: (performance.now() - started) / 1000,
	};
}

/** The figures the closing note quotes, on one line. */
export function figures(name: string, run: FleetRun): string {
	const { state } = run.emulator;
	const distinct = new Set(run.lists.flat()).size;
	const calls = run.lists.reduce((sum, list) => sum + list.length, 0);
	const lost = [...new Set(run.lists.flat())].filter((op) => !state.logicalEffects.has(op)).length;
	const sum = (pick: (r: WorkerReport) => number) => run.reports.reduce((total, r) => total + pick(r), 0);
	return [
		`fleet on ${name}: ${WORKERS} workers x ${calls / WORKERS} operations (${distinct} distinct of a pool of ${POOL})`,
		`${run.kills} kills`,
		`${run.takenOver} operations taken over from a killed owner`,
		`${state.requests.length} requests`,
		`${state.effectCount} effects`,
		`${state.duplicates().length} duplicated`,
		`${lost} lost`,
		`${state.overlaps().length} overlaps`,
		`${sum((r) => r.resumed)} resumed by the last runs`,
		`${sum((r) => r.reruns)} reruns after outcome unknown`,
		`${run.unfinished} unfinished`,
		`${run.seconds.toFixed(1)} s`,
	].join(', ');
}
