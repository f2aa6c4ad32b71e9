import { createClient, type IdemClient } from '../../client/create.js';
import { resolveDialect } from '../../dialects/resolve.js';
import type { Dialect, DialectName } from '../../dialects/types.js';
import { MemoryJournal } from '../../journal/memory.js';
import type { RetryPolicy } from '../../retry/policy.js';
import type { ClientOptions } from '../../types/options.js';
import { createEmulator } from '../emulator.js';
import type { FaultRates } from '../faults/types.js';
import { pause } from '../server/pause.js';
import { CHAOS_FAULTS, CHAOS_RETRY, CHAOS_TIMEOUT_MS } from './defaults.js';
import { type ChaosOperation, planOperations } from './plan.js';
import { type CallOutcome, type ChaosReport, report } from './report.js';

/** What a chaos run needs of a client: the SDK's `createClient()` by default, a deliberately broken one in tests. */
export type ChaosCaller = Pick<IdemClient, 'request'>;

export type ChaosOptions = {
	/** The emulated API; callers use the same dialect. */
	dialect: DialectName | Dialect;
	/**
	Logical operations to run.
	@default 2000
	*/
	operations?: number;
	/**
	Independent clients sharing one journal (as processes sharing a durable journal would).
	@default 4
	*/
	callers?: number;
	/**
	Operations in flight at once. Client and server share one event loop: more only queues work, and queued work
	turns into timeouts.
	@default 16
	*/
	concurrency?: number;
	/**
	Seed of the fault sequence and of the operation mix.
	@default 1
	*/
	seed?: number;
	/**
	Fault rates of the emulator.
	@default CHAOS_FAULTS (every fault kind)
	*/
	faults?: FaultRates;
	/**
	Callers' retry settings.
	@default CHAOS_RETRY
	*/
	retry?: Partial<RetryPolicy>;
	/**
	Callers' per-attempt timeout, in ms.
	@default CHAOS_TIMEOUT_MS (10000)
	*/
	timeout?: number;
	/**
	Called each time an operation settles.
	@default none
	*/
	onProgress?: (done: number, total: number) => void;
	/**
	Builds each caller's client from the options a chaos run would give `createClient`.
	@default createClient
	*/
	createCaller?: (options: ClientOptions) => ChaosCaller;
};

/**
Runs `operations` logical operations through several callers against an emulator of `dialect` with every fault kind
on, then checks each one against the server's effects. Deterministic in its faults and operation mix for a seed
(arrival order, and so which request meets which fault, still depends on timing).
*/
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
	const dialect = resolveDialect(options.dialect);
	const total = positiveInt(options.operations ?? 2000, 'operations');
	const callerCount = positiveInt(options.callers ?? 4, 'callers');
	const concurrency = positiveInt(options.concurrency ?? 16, 'concurrency');
	const seed = options.seed ?? 1;
	const ops = planOperations(total, dialect, callerCount, seed);
	const emulator = await createEmulator({
		dialect: options.dialect,
		faults: options.faults ?? CHAOS_FAULTS,
		seed,
		bookings: ops.flatMap((op) => (op.booking ? [{ id: op.booking, status: 'confirmed' as const }] : [])),
	});
	try {
		let retries = 0;
		const journal = new MemoryJournal();
		const build = options.createCaller ?? createClient;
		const callers = Array.from({ length: callerCount }, () =>
			build({
				baseUrl: emulator.url,
				dialect: options.dialect,
				journal,
				retry: options.retry ?? CHAOS_RETRY,
				timeout: options.timeout ?? CHAOS_TIMEOUT_MS,
				headers: { authorization: 'Bearer chaos-account' },
				onEvent: (event) => {
					if (event.type === 'retry') retries++;
				},
			}),
		);
		const outcomes: CallOutcome[][] = new Array(total);
		const latencies: number[] = new Array(total);
		let next = 0;
		let done = 0;
		const started = performance.now();
		const worker = async () => {
			for (let i = next++; i < total; i = next++) {
				const op = ops[i] as ChaosOperation;
				const t0 = performance.now();
				outcomes[i] = await runOperation(op, callers);
				latencies[i] = performance.now() - t0;
				options.onProgress?.(++done, total);
			}
		};
		await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
		const wallMs = performance.now() - started;
		return report(dialect.name, ops, outcomes, latencies, emulator.state, {
			retries,
			attempts: emulator.state.requests.length,
			wallMs,
		});
	} finally {
		await emulator.close();
	}
}

function runOperation(op: ChaosOperation, callers: readonly ChaosCaller[]): Promise<CallOutcome[]> {
	const first = callers[op.callers[0]] as ChaosCaller;
	const second = callers[op.callers[1]] as ChaosCaller;
	const call = (caller: ChaosCaller): Promise<CallOutcome> =>
		caller.request(op.method, op.path, { json: op.json, operation: op.id }).then(
			(result) => ({ ok: true, result }),
			(error: unknown) => ({ ok: false, error }),
		);
	switch (op.mode) {
		case 'once':
			return Promise.all([call(first)]);
		case 'double-click':
			return Promise.all([call(first), call(first)]);
		case 'rerun-overlap':
			return Promise.all([call(first), pause(op.overlapMs).then(() => call(second))]);
		case 'rerun-after':
			return call(first).then(async (one) => [one, await call(second)]);
	}
}

function positiveInt(value: number, name: string): number {
	if (!Number.isInteger(value) || value < 1) {
		throw new RangeError(`Chaos option "${name}" must be a positive integer, got ${value}.`);
	}
	return value;
}
