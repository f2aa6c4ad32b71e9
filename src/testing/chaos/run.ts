import { createClient, type IdemClient } from '../../client/create.js';
import { resolveDialect } from '../../dialects/resolve.js';
import type { Dialect, DialectName } from '../../dialects/types.js';
import { IdempotencyError } from '../../errors/base.js';
import { MemoryJournal } from '../../journal/memory.js';
import type { RetryPolicy } from '../../retry/policy.js';
import type { ClientOptions } from '../../types/options.js';
import type { IdemResult } from '../../types/result.js';
import type { DialectState, SeenRequest } from '../dialect-state.js';
import { createEmulator } from '../emulator.js';
import type { FaultRates } from '../faults/types.js';
import { pause } from '../server/pause.js';
import { CHAOS_FAULTS, CHAOS_RETRY, CHAOS_TIMEOUT_MS } from './defaults.js';
import { type ChaosOperation, planOperations } from './plan.js';
import { percentile, tally } from './stats.js';

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

/** An operation the run counts as lost, and why. */
export type LostOperation = { readonly operation: string; readonly why: string };

/**
What a chaos run saw. An operation is **lost** when (a) a caller was told it succeeded but the server has no effect
for it, (b) a call ended in anything but a result or a typed `IdempotencyError`, or (c) a caller was told it was
definitely not applied (`rejected`, `key_reused`, `key_missing`) while the server applied it. An operation that
ended in `OutcomeUnknownError` or `InProgressError` is not lost: the caller was told the truth, that it may or may
not have been applied; such operations are counted in `unknown`.
*/
export type ChaosReport = {
	readonly dialect: string;
	readonly operations: number;
	/** Calls made by the callers (reruns and double clicks make more than one per operation). */
	readonly calls: number;
	/** Requests the server saw. */
	readonly attempts: number;
	/** Retries the callers scheduled (their `retry` events). */
	readonly retries: number;
	/** Calls whose result was a replay: `replayed: true` from the server, or answered from the journal. */
	readonly replays: number;
	/** Effects the server applied. */
	readonly effects: number;
	/** Effects beyond one per logical operation. */
	readonly duplicates: number;
	readonly lost: number;
	/** Operations at least one call reported as succeeded. */
	readonly succeeded: number;
	/** Operations whose calls all ended in `outcome_unknown` or `in_progress`. */
	readonly unknown: number;
	/** Typed errors by code, over all calls. */
	readonly errors: Readonly<Record<string, number>>;
	/** Requests the server answered with each fault (`latency` and `hold` count delayed requests, whatever their fault). */
	readonly faults: Readonly<Record<string, number>>;
	/** Median and 99th percentile time from an operation's first call to its last call settling, in ms. */
	readonly p50Ms: number;
	readonly p99Ms: number;
	readonly wallMs: number;
	/** The first lost operations (at most 20), for debugging. */
	readonly lostOperations: readonly LostOperation[];
	/** The first duplicated logical requests (at most 20): `[id, effects]`. */
	readonly duplicateEffects: readonly (readonly [string, number])[];
};

type CallOutcome = { ok: true; result: IdemResult } | { ok: false; error: unknown };

const DEFINITELY_NOT_APPLIED = new Set(['rejected', 'key_reused', 'key_missing', 'not_sent']);
const UNKNOWN = new Set(['outcome_unknown', 'in_progress']);

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

function report(
	dialect: string,
	ops: readonly ChaosOperation[],
	outcomes: readonly CallOutcome[][],
	latencies: number[],
	state: DialectState,
	measured: { retries: number; attempts: number; wallMs: number },
): ChaosReport {
	const lostOperations: LostOperation[] = [];
	let lost = 0;
	let succeeded = 0;
	let unknown = 0;
	let replays = 0;
	const codes: string[] = [];
	ops.forEach((op, i) => {
		const calls = outcomes[i] ?? [];
		const applied = (state.logicalEffects.get(op.id) ?? 0) > 0;
		let why: string | undefined;
		for (const call of calls) {
			if (call.ok) {
				if (call.result.replayed === true || call.result.fromJournal) replays++;
				why ??= applied ? undefined : 'a caller was told it succeeded, but the server has no effect for it';
				continue;
			}
			if (!(call.error instanceof IdempotencyError)) {
				why ??= `a call ended in an untyped ${describe(call.error)}`;
				continue;
			}
			codes.push(call.error.code);
			if (applied && DEFINITELY_NOT_APPLIED.has(call.error.code)) {
				why ??= `a caller was told "${call.error.code}" (not applied), but the server applied it`;
			}
		}
		if (why !== undefined) {
			lost++;
			if (lostOperations.length < 20) lostOperations.push({ operation: op.id, why });
		}
		if (calls.some((c) => c.ok)) succeeded++;
		else if (calls.every((c) => !c.ok && c.error instanceof IdempotencyError && UNKNOWN.has(c.error.code)))
			unknown++;
	});
	const duplicated = state.duplicates();
	latencies.sort((a, b) => a - b);
	return {
		dialect,
		operations: ops.length,
		calls: outcomes.reduce((sum, calls) => sum + calls.length, 0),
		attempts: measured.attempts,
		retries: measured.retries,
		replays,
		effects: state.effectCount,
		duplicates: duplicated.reduce((sum, [, count]) => sum + count - 1, 0),
		lost,
		succeeded,
		unknown,
		errors: tally(codes),
		faults: tally(faultNames(state.requests)),
		p50Ms: percentile(latencies, 0.5),
		p99Ms: percentile(latencies, 0.99),
		wallMs: measured.wallMs,
		lostOperations,
		duplicateEffects: duplicated.slice(0, 20),
	};
}

function* faultNames(requests: readonly SeenRequest[]): Generator<string> {
	for (const request of requests) {
		if (typeof request.fault === 'string' && request.fault !== 'pass') yield request.fault;
		if (request.latencyMs > 0) yield 'latency';
		if (request.holdMs > 0) yield 'hold';
	}
}

function describe(error: unknown): string {
	if (error instanceof Error) return `${error.name}: ${error.message}`;
	return String(error);
}

function positiveInt(value: number, name: string): number {
	if (!Number.isInteger(value) || value < 1) {
		throw new RangeError(`Chaos option "${name}" must be a positive integer, got ${value}.`);
	}
	return value;
}
