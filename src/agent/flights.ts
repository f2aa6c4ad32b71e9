import type { Journal } from '../journal/journal.js';
import { SingleFlight } from '../operation/single-flight.js';

// One set of flights per journal: two wrappers of one tool over one journal still share a run. The client's
// SingleFlight already keeps each caller's signal its own, so a framework cancelling one call never cuts short the
// run another call is waiting for.
const byJournal = new WeakMap<Journal, SingleFlight<unknown>>();

export function flightsOf<T>(journal: Journal): SingleFlight<T> {
	let flights = byJournal.get(journal);
	if (!flights) {
		flights = new SingleFlight<unknown>();
		byJournal.set(journal, flights);
	}
	return flights as SingleFlight<T>;
}

/** The signal a shared run hands the tool: it never aborts when no caller brought one. */
export const runSignal = (signal: AbortSignal | undefined): AbortSignal =>
	signal ?? new AbortController().signal;
