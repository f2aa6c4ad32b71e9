import type { Dialect } from '../../dialects/types.js';
import { mulberry32 } from '../faults/prng.js';

/**
How the callers run one operation:
- `once`: one caller, one call.
- `double-click`: one caller calls twice at once (the client's single-flight must send it once).
- `rerun-overlap`: a second caller runs the same operation id (same journal) while the first is still running.
- `rerun-after`: a second caller runs it again once the first call settled (the journal answers, or resumes it).
*/
export type RunMode = 'once' | 'double-click' | 'rerun-overlap' | 'rerun-after';

/** One logical operation of a chaos run. */
export type ChaosOperation = {
	/** Operation id, also sent as the body's `ref` so the server counts its effects whatever key it came with. */
	readonly id: string;
	readonly method: 'POST' | 'PATCH';
	/** Path relative to the emulator's base URL. */
	readonly path: string;
	readonly json: Readonly<Record<string, unknown>>;
	/** Booking that must exist before the run (updates and cancels), else `undefined`. */
	readonly booking: string | undefined;
	readonly mode: RunMode;
	/** Index of the caller that runs it first, and of the one that runs it again (reruns). */
	readonly callers: readonly [number, number];
	/** For `rerun-overlap`: ms after the first call that the second starts. */
	readonly overlapMs: number;
};

/**
The operations of a run, drawn from `seed`: mostly bookings created, plus changes and cancellations of existing
bookings (changes only where the dialect keys PATCH: an unkeyed change is not safe to retry). Bardge cancels go out
without a key, as that API requires; they are never rerun by two callers at once. Measured with two clients on one
journal cancelling one booking under one operation id, the first held 30 ms by the server: both send (no key to
share), the booking is cancelled once, and the caller whose request lands second is told `rejected` (409
already_cancelled) in 49 runs of 50, although its operation was applied by the other caller. No duplicate effect,
but a wrong "not applied": this runner would count it as lost, so the plan leaves that case out rather than hide it
in the numbers.
*/
export function planOperations(
	count: number,
	dialect: Dialect,
	callerCount: number,
	seed: number,
): ChaosOperation[] {
	const random = mulberry32(seed ^ 0x5bd1e995);
	const canUpdate = dialect.keyedMethods.includes('PATCH');
	const pick = (n: number) => Math.min(n - 1, Math.floor(random() * n));
	const ops: ChaosOperation[] = [];
	for (let i = 0; i < count; i++) {
		const id = `op-${i}`;
		const kind = random();
		const mode = random();
		const first = pick(callerCount);
		const second = (first + 1 + pick(Math.max(1, callerCount - 1))) % callerCount;
		const overlapMs = pick(6);
		const booking = `s${i}`;
		const shape =
			kind < 0.6 || (kind < 0.8 && !canUpdate)
				? {
						method: 'POST' as const,
						path: 'bookings',
						json: { ref: id, classId: `c${i % 17}` },
						booking: undefined,
					}
				: kind < 0.8
					? {
							method: 'PATCH' as const,
							path: `bookings/${booking}`,
							json: { ref: id, seats: 1 + (i % 4) },
							booking,
						}
					: { method: 'POST' as const, path: `bookings/${booking}/cancel`, json: { ref: id }, booking };
		const keyless =
			!dialect.keyedMethods.includes(shape.method) || dialect.keyless(shape.method, `/${shape.path}`);
		ops.push({
			id,
			...shape,
			mode:
				mode < 0.7
					? 'once'
					: mode < 0.8
						? 'double-click'
						: mode < 0.9 && !keyless
							? 'rerun-overlap'
							: 'rerun-after',
			callers: [first, second],
			overlapMs,
		});
	}
	return ops;
}
