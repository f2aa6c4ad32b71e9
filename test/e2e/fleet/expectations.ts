import { expect } from 'vitest';
import { type FleetRun, KILLS } from './fleet.js';

/**
The fleet's verdict: what a user sharing a journal between workers relies on. Each check lists what broke it (a
few thousand operations would bury a whole-map diff).
*/
export function expectEveryOperationOnce(run: FleetRun): void {
	const { state } = run.emulator;
	const operations = new Set(run.lists.flat());
	// Every operation took effect, exactly once, and nothing else did.
	expect(
		[...operations].filter((op) => !state.logicalEffects.has(op)),
		'lost',
	).toEqual([]);
	expect(
		[...state.logicalEffects.keys()].filter((op) => !operations.has(op)),
		'not asked for',
	).toEqual([]);
	expect(state.duplicates(), 'applied twice').toEqual([]);
	// The server never processed two attempts of one operation at the same time: the lease kept one on the wire.
	const overlaps = state.overlaps().map(({ operation, requests }) => ({
		operation,
		requests: requests.map((index) => {
			const { key, fault, latencyMs, holdMs, headers } = state.requests[index] ?? {};
			return { index, worker: headers?.get('x-fleet-worker'), key, fault, latencyMs, holdMs };
		}),
	}));
	expect(overlaps.length, `overlaps, the first: ${JSON.stringify(overlaps.slice(0, 3))}`).toBe(0);
	// Every worker got, for every operation on its list, the booking that operation made, whoever sent it.
	const bookingOf = new Map([...state.bookings.values()].map((b) => [b.ref as string, b.id]));
	for (const [index, list] of run.lists.entries()) {
		const answers = run.reports[index]?.answers ?? {};
		const wrong = list.filter((op) => answers[op] === undefined || answers[op] !== bookingOf.get(op));
		expect(wrong, `worker ${index}: operations answered with another booking, or not at all`).toEqual([]);
	}
	expect(run.unfinished, 'left unfinished in the journal').toBe(0);
	// The kills were real: every one landed on a running worker, and some cut an attempt off, so that another worker
	// had to take the operation over once the dead owner's lease ran out.
	expect(run.kills).toBe(KILLS);
	expect(run.takenOver).toBeGreaterThan(0);
}
