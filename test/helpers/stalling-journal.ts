import { MemoryJournal } from '../../src/index.js';
import type { Journal, JournalCallOptions, JournalRecord } from '../../src/journal.js';

type Method = 'create' | 'get' | 'compareAndSet';

/** A hold on one journal call: it reaches the journal, which answers (and writes) only once released. */
type Hold = {
	readonly reached: Promise<JournalCallOptions | undefined>;
	release: () => void;
};

/**
A MemoryJournal whose chosen calls hang until released, ignoring any signal: a journal on a stalled network, or one
that lands its write after the caller gave up.
*/
export class StallingJournal implements Journal {
	readonly inner = new MemoryJournal();
	readonly #holds: {
		method: Method;
		match: (arg: unknown) => boolean;
		arrive: (o?: JournalCallOptions) => void;
		gate: Promise<void>;
	}[] = [];

	hold(method: Method, match: (arg: unknown) => boolean = () => true): Hold {
		let arrive!: (options: JournalCallOptions | undefined) => void;
		let release!: () => void;
		const reached = new Promise<JournalCallOptions | undefined>((resolve) => {
			arrive = resolve;
		});
		const gate = new Promise<void>((resolve) => {
			release = resolve;
		});
		this.#holds.push({ method, match, arrive, gate });
		return { reached, release };
	}

	async #gate(method: Method, arg: unknown, options: JournalCallOptions | undefined) {
		const index = this.#holds.findIndex((h) => h.method === method && h.match(arg));
		if (index < 0) return;
		const [hold] = this.#holds.splice(index, 1);
		hold?.arrive(options);
		await hold?.gate;
	}

	async create(record: JournalRecord, options?: JournalCallOptions) {
		await this.#gate('create', record, options);
		return this.inner.create(record);
	}
	async get(scope: string, operation: string, options?: JournalCallOptions) {
		await this.#gate('get', operation, options);
		return this.inner.get(scope, operation);
	}
	async compareAndSet(next: JournalRecord, options?: JournalCallOptions) {
		await this.#gate('compareAndSet', next, options);
		return this.inner.compareAndSet(next);
	}
	listUnfinished(scope: string) {
		return this.inner.listUnfinished(scope);
	}
	collectGarbage(now: number) {
		return this.inner.collectGarbage(now);
	}
}

/** A `hold` match for the write that claims an attempt (the record going `inflight`), not the one that settles it. */
export const isClaim = (record: unknown): boolean => (record as JournalRecord).state === 'inflight';
