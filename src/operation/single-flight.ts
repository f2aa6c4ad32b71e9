/**
Concurrent runs of one operation in one process share one promise: a double-clicked button or a framework retrying a tool call puts one request on the wire, and every caller gets its result.
*/
export class SingleFlight<T> {
	readonly #flights = new Map<string, { fingerprint: string; promise: Promise<T> }>();

	/**
	Joins the flight for `id` or starts one. `onMismatch` is called (and its result thrown) when a flight for `id` is running with another fingerprint.
	*/
	run(id: string, fingerprint: string, start: () => Promise<T>, onMismatch: () => Error): Promise<T> {
		const running = this.#flights.get(id);
		if (running) {
			return running.fingerprint === fingerprint ? running.promise : Promise.reject(onMismatch());
		}
		const promise = start().finally(() => {
			this.#flights.delete(id);
		});
		this.#flights.set(id, { fingerprint, promise });
		return promise;
	}

	/** Whether a flight for `id` is running in this process. */
	has(id: string): boolean {
		return this.#flights.has(id);
	}

	get size(): number {
		return this.#flights.size;
	}
}
