/** Two requests of one operation that the server was processing at the same time. */
export type Overlap = {
	/** The operation both belong to: the JSON body's `ref`, else the key, else `"METHOD /path"`. */
	readonly operation: string;
	/**
	Positions in `state.requests`: the request already being processed, then the one that arrived while it was.
	*/
	readonly requests: readonly [number, number];
};

/**
Which requests of each operation are being processed right now, and every pair found processed at the same time.
Order of events alone decides (a request begins after the one it overlaps began and before that one ended), not
clock readings, so a verdict never depends on the machine's speed or on a clock a test has moved.
*/
export class ProcessingLog {
	readonly #open = new Map<string, Set<number>>();
	readonly #found: Overlap[] = [];

	/** Request `index` of `operation` arrived; call the returned function once it has been answered (or dropped). */
	begin(operation: string, index: number): () => void {
		let open = this.#open.get(operation);
		if (!open) {
			open = new Set();
			this.#open.set(operation, open);
		}
		for (const earlier of open) this.#found.push({ operation, requests: [earlier, index] });
		open.add(index);
		const ours = open;
		return () => {
			ours.delete(index);
			if (ours.size === 0 && this.#open.get(operation) === ours) this.#open.delete(operation);
		};
	}

	/** Every overlapping pair so far, in the order the later request arrived. */
	overlaps(): Overlap[] {
		return [...this.#found];
	}
}
