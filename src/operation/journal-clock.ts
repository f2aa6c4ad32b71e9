import type { Journal } from '../journal/journal.js';

/**
How long a measured offset between a journal's clock and this process's is trusted. Clocks drift by milliseconds an
hour, while asking the store costs a round trip: once a minute keeps leases comparable at no cost per call.
*/
const TRUSTED_MS = 60_000;

type Offset = { readonly ms: number; readonly measuredAt: number };

// Per journal object, so every client sharing one shares the measurement.
const offsets = new WeakMap<Journal, Offset>();

/** The journal's clock as `local` (epoch ms) reads on it, when a recent measurement says; `undefined` otherwise. */
export function journalTime(journal: Journal, local: number): number | undefined {
	const offset = offsets.get(journal);
	// A local clock that went back (a test's fake timers, an NTP step) invalidates the measurement too.
	if (!offset || local < offset.measuredAt || local - offset.measuredAt >= TRUSTED_MS) return undefined;
	return local + offset.ms;
}

/**
Remembers what the journal's clock said (`theirs`) between `before` and `after` on ours: the store read its clock
about halfway through the round trip.
*/
export function measured(journal: Journal, theirs: number, before: number, after: number): number {
	offsets.set(journal, { ms: theirs - (before + after) / 2, measuredAt: after });
	return after + theirs - (before + after) / 2;
}
