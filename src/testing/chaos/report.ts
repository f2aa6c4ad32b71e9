import { IdempotencyError } from '../../errors/base.js';
import type { IdemResult } from '../../types/result.js';
import type { DialectState, SeenRequest } from '../dialect-state.js';
import type { ChaosOperation } from './plan.js';
import { percentile, tally } from './stats.js';

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

/** How one call of an operation ended. */
export type CallOutcome = { ok: true; result: IdemResult } | { ok: false; error: unknown };

const DEFINITELY_NOT_APPLIED = new Set(['rejected', 'key_reused', 'key_missing', 'not_sent']);
const UNKNOWN = new Set(['outcome_unknown', 'in_progress']);

/** One operation's calls held against the server's effects: why it is lost (if it is), and what it adds up to. */
export function judge(
	calls: readonly CallOutcome[],
	applied: boolean,
): { why: string | undefined; replays: number; codes: string[] } {
	let why: string | undefined;
	let replays = 0;
	const codes: string[] = [];
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
	return { why, replays, codes };
}

const toldUnknown = (call: CallOutcome): boolean =>
	!call.ok && call.error instanceof IdempotencyError && UNKNOWN.has(call.error.code);

/** The run's report: every operation judged, the server's requests and effects counted. */
export function report(
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
		const verdict = judge(calls, (state.logicalEffects.get(op.id) ?? 0) > 0);
		replays += verdict.replays;
		codes.push(...verdict.codes);
		if (verdict.why !== undefined) {
			lost++;
			if (lostOperations.length < 20) lostOperations.push({ operation: op.id, why: verdict.why });
		}
		if (calls.some((c) => c.ok)) succeeded++;
		else if (calls.every(toldUnknown)) unknown++;
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
