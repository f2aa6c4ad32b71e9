type Flight<T> = {
	readonly fingerprint: string;
	readonly promise: Promise<T>;
	/** Stops the shared run; only a flight whose first caller brought a signal can ever be stopped. */
	readonly stop: AbortController | undefined;
	/** Callers still waiting for the result. */
	waiting: number;
};

/**
Concurrent runs of one operation in one process share one promise: a double-clicked button or a framework retrying a tool call puts one request on the wire, and every caller gets its result.

Each caller's signal is its own. A caller that aborts while others still wait leaves at once with its abort reason;
the run goes on for the others (its outcome is journaled, so running the operation again tells it). The run itself
is stopped only when the last caller waiting aborts: nobody wants its result any more, and that caller, whose abort
stopped it, waits for what the stop left behind (the abort reason, or "may have been applied").
*/
export class SingleFlight<T> {
	readonly #flights = new Map<string, Flight<T>>();

	/**
	Joins the flight for `id` or starts one with `start`, which gets the signal that stops the shared run. `onMismatch` is called (and its result thrown) when a flight for `id` is running with another fingerprint.
	*/
	run(
		id: string,
		fingerprint: string,
		signal: AbortSignal | undefined,
		start: (signal: AbortSignal | undefined) => Promise<T>,
		onMismatch: () => Error,
	): Promise<T> {
		let flight = this.#flights.get(id);
		if (flight && flight.fingerprint !== fingerprint) return Promise.reject(onMismatch());
		if (signal?.aborted) return Promise.reject(signal.reason);
		if (!flight) {
			const stop = signal ? new AbortController() : undefined;
			const started: Flight<T> = {
				fingerprint,
				stop,
				waiting: 0,
				promise: start(stop?.signal).finally(() => this.#forget(id, started)),
			};
			this.#flights.set(id, started);
			flight = started;
		}
		return this.#wait(id, flight, signal);
	}

	/** Whether a flight for `id` is running in this process. */
	has(id: string): boolean {
		return this.#flights.has(id);
	}

	get size(): number {
		return this.#flights.size;
	}

	#wait(id: string, flight: Flight<T>, signal: AbortSignal | undefined): Promise<T> {
		flight.waiting++;
		if (!signal) return flight.promise;
		return new Promise<T>((resolve, reject) => {
			const onAbort = () => {
				if (flight.waiting > 1) {
					flight.waiting--;
					reject(signal.reason);
					return;
				}
				// A caller arriving from now on must not inherit this abort: it starts a run of its own.
				this.#forget(id, flight);
				flight.stop?.abort(signal.reason);
			};
			signal.addEventListener('abort', onAbort, { once: true });
			flight.promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
		});
	}

	#forget(id: string, flight: Flight<T>): void {
		if (this.#flights.get(id) === flight) this.#flights.delete(id);
	}
}
