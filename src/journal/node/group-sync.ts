type Waiter = { promise: Promise<void>; resolve: () => void; reject: (error: unknown) => void };

function waiter(): Waiter {
	let resolve!: () => void;
	let reject!: (error: unknown) => void;
	const promise = new Promise<void>((res, rej) => {
		resolve = res;
		reject = rej;
	});
	return { promise, resolve, reject };
}

/**
Group fsync: at most one fsync runs at a time, and every request made while it runs shares the next one. A
request is satisfied only by an fsync that started after it, since one already running may miss its bytes.
*/
export class GroupSync {
	#running: Promise<void> | undefined;
	#next: Waiter | undefined;

	constructor(private readonly sync: () => Promise<void>) {}

	/** Resolves once everything written before this call is on disk. */
	request(): Promise<void> {
		if (!this.#running) return this.#start();
		this.#next ??= waiter();
		return this.#next.promise;
	}

	/** Resolves when no fsync is running or queued (whatever their outcome). */
	async idle(): Promise<void> {
		while (this.#running) await this.#running.catch(() => {});
	}

	#start(): Promise<void> {
		const running = this.sync();
		this.#running = running;
		const after = () => {
			this.#running = undefined;
			const next = this.#next;
			this.#next = undefined;
			if (next) this.#start().then(next.resolve, next.reject);
		};
		running.then(after, after);
		return running;
	}
}
