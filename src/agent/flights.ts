import type { Journal } from '../journal/journal.js';
import { SingleFlight } from '../operation/single-flight.js';

/**
A signal for a run several callers wait on: it aborts once every one of them has been cancelled, so one framework
cancelling its call never cuts short the run another call is waiting for. A caller without a signal keeps it alive.
*/
class SharedSignal {
	readonly #controller = new AbortController();
	#live = 0;
	#unbounded = false;

	get signal(): AbortSignal {
		return this.#controller.signal;
	}

	add(signal: AbortSignal | undefined): void {
		if (!signal) {
			this.#unbounded = true;
			return;
		}
		if (signal.aborted) {
			this.#abortIfAllGone(signal.reason);
			return;
		}
		this.#live++;
		signal.addEventListener(
			'abort',
			() => {
				this.#live--;
				this.#abortIfAllGone(signal.reason);
			},
			{ once: true },
		);
	}

	#abortIfAllGone(reason: unknown): void {
		if (this.#live === 0 && !this.#unbounded) this.#controller.abort(reason);
	}
}

/** Settles with `promise`, or rejects with the signal's reason as soon as this caller is cancelled. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
	if (!signal) return promise;
	if (signal.aborted) return Promise.reject(signal.reason);
	return new Promise<T>((resolve, reject) => {
		const onAbort = () => reject(signal.reason);
		signal.addEventListener('abort', onAbort, { once: true });
		promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
	});
}

/**
Concurrent calls of one tool operation in one process share one run (the operation's `SingleFlight`), each waiting
with its own signal.
*/
export class ToolFlights<T> {
	readonly #flights = new SingleFlight<T>();
	readonly #signals = new Map<string, { fingerprint: string; shared: SharedSignal }>();

	run(
		id: string,
		fingerprint: string,
		signal: AbortSignal | undefined,
		start: (signal: AbortSignal) => Promise<T>,
		onMismatch: () => Error,
	): Promise<T> {
		// A call its framework already cancelled starts nothing and joins nothing.
		if (signal?.aborted) return Promise.reject(signal.reason);
		const joining = this.#signals.get(id);
		const promise = this.#flights.run(
			id,
			fingerprint,
			() => {
				const entry = { fingerprint, shared: new SharedSignal() };
				this.#signals.set(id, entry);
				entry.shared.add(signal);
				return start(entry.shared.signal).finally(() => {
					if (this.#signals.get(id) === entry) this.#signals.delete(id);
				});
			},
			onMismatch,
		);
		if (joining && joining.fingerprint === fingerprint) joining.shared.add(signal);
		return untilAborted(promise, signal);
	}
}

// One set of flights per journal: two wrappers of one tool over one journal still share a run.
const byJournal = new WeakMap<Journal, ToolFlights<unknown>>();

export function flightsOf<T>(journal: Journal): ToolFlights<T> {
	let flights = byJournal.get(journal);
	if (!flights) {
		flights = new ToolFlights<unknown>();
		byJournal.set(journal, flights);
	}
	return flights as ToolFlights<T>;
}
