import { mulberry32 } from './prng.js';
import type { DelayRate, Fault, FaultRates, RequestFaults } from './types.js';

/** The answer-changing faults, in the order their rates are stacked on the unit interval. */
const KINDS = [
	['dropAfterCommit', 'drop-after-commit'],
	['dropBefore', 'drop-before'],
	['unavailableBefore', '503-before'],
	['unavailableAfter', '503-after'],
	['serverError', '500'],
	['rateLimited', '429'],
	['inProgress', 'in-progress'],
] as const satisfies readonly (readonly [keyof FaultRates, Fault])[];

const DELAYS = ['latency', 'hold'] as const;

const isProbability = (value: unknown): value is number =>
	typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 1;

/** Throws a `RangeError` that names the field when `rates` cannot be drawn from. */
export function assertFaultRates(rates: FaultRates): void {
	if (typeof rates !== 'object' || rates === null) throw new TypeError('Fault rates must be an object.');
	let total = 0;
	for (const [name] of KINDS) {
		const rate = rates[name] ?? 0;
		if (!isProbability(rate)) throw new RangeError(`Fault rate "${name}" must be a number from 0 to 1.`);
		total += rate;
	}
	if (total > 1 + 1e-9) {
		throw new RangeError(
			`Fault rates add up to ${total}; at most one fault applies per request, so keep them <= 1.`,
		);
	}
	for (const name of DELAYS) {
		const delay = rates[name];
		if (delay === undefined) continue;
		const min = delay.minMs ?? 0;
		if (!isProbability(delay.probability)) {
			throw new RangeError(`Fault rate "${name}.probability" must be a number from 0 to 1.`);
		}
		if (!(Number.isFinite(min) && min >= 0 && Number.isFinite(delay.maxMs) && delay.maxMs >= min)) {
			throw new RangeError(`Fault rate "${name}" needs 0 <= minMs <= maxMs (finite milliseconds).`);
		}
	}
	const unknown = Object.keys(rates).filter(
		(name) => !KINDS.some(([kind]) => kind === name) && !(DELAYS as readonly string[]).includes(name),
	);
	if (unknown.length > 0) throw new RangeError(`Unknown fault rate "${unknown[0]}".`);
}

/**
Draws the faults of each request in turn from `seed`. Every request takes the same number of draws whatever it
gets, so the n-th request gets the same faults for the same seed and rates.
*/
export function seededFaults(rates: FaultRates, seed: number): () => RequestFaults {
	assertFaultRates(rates);
	if (!Number.isInteger(seed)) throw new RangeError(`The fault seed must be an integer, got ${seed}.`);
	const random = mulberry32(seed);
	const delay = (rate: DelayRate | undefined) => {
		const hit = random();
		const amount = random();
		if (!rate || hit >= rate.probability) return 0;
		const min = rate.minMs ?? 0;
		return Math.round(min + amount * (rate.maxMs - min));
	};
	return () => {
		const draw = random();
		let fault: Fault = 'pass';
		let edge = 0;
		for (const [name, kind] of KINDS) {
			edge += rates[name] ?? 0;
			if (draw < edge) {
				fault = kind;
				break;
			}
		}
		return { fault, latencyMs: delay(rates.latency), holdMs: delay(rates.hold) };
	};
}
