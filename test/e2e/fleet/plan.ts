// What the fleet's workers run, decided from a seed alone, so the parent knows every worker's list without asking it
// and a restarted worker runs the same list again.
import { mulberry32 } from '../../../src/testing/faults/prng.js';

export const WORKERS = 4;
export const OPERATIONS_PER_WORKER = 2_000;
/**
Operation ids the workers draw from. Each worker takes 4 in 5 of them, so every id is in about 3 workers' lists and
nearly every id is in at least one.
*/
export const POOL = 2_500;
/** Calls each worker keeps in flight. */
export const CONCURRENCY = 8;

export const operationId = (n: number): string => `op-${String(n).padStart(4, '0')}`;

/**
Worker `index`'s operations: drawn at random from the pool, then run in pool order. Every worker walks the pool from
its start at a similar pace, so workers reach the same operation at about the same time: they race for it rather
than find it long finished.
*/
export function operationsOf(index: number, seed: number): string[] {
	const random = mulberry32(seed * 131 + index);
	const ids = Array.from({ length: POOL }, (_, n) => n);
	// A partial Fisher-Yates shuffle: the first OPERATIONS_PER_WORKER ids are a uniform draw without repeats.
	for (let i = 0; i < OPERATIONS_PER_WORKER; i++) {
		const j = i + Math.floor(random() * (POOL - i));
		[ids[i], ids[j]] = [ids[j] as number, ids[i] as number];
	}
	return ids
		.slice(0, OPERATIONS_PER_WORKER)
		.sort((a, b) => a - b)
		.map(operationId);
}

/** What a worker prints once it has run its whole list. */
export type WorkerReport = {
	/** The booking id each of its operations answered with. */
	readonly answers: Record<string, string>;
	/** Operations `resumeAll` found unfinished when this run started. */
	readonly resumed: number;
	/** Calls that gave up (outcome unknown) and were run again under the same operation id. */
	readonly reruns: number;
};
