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
without a key, as that API requires, and are rerun by a second caller like any other operation: both callers send
(there is no key to share), the booking is cancelled once, and the caller whose request lands second gets 409
already_cancelled, which the client resolves as success because the journal shows the other caller's attempt.
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
		ops.push({
			id,
			...shape,
			mode: mode < 0.7 ? 'once' : mode < 0.8 ? 'double-click' : mode < 0.9 ? 'rerun-overlap' : 'rerun-after',
			callers: [first, second],
			overlapMs,
		});
	}
	return ops;
}
