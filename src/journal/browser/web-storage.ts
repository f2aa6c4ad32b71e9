import { JournalError } from '../../errors/classes.js';
import type { Journal, JournalCallOptions } from '../journal.js';
import { isCollectable, isFinished, type JournalRecord } from '../record.js';
import { checkedRecord, storageError } from './failures.js';
import { type LockManagerLike, platformLocks, underLock } from './locks.js';

/** The members of the Web Storage `Storage` interface the journal uses: `localStorage` and `sessionStorage` fit. */
export type StorageLike = {
	readonly length: number;
	key(index: number): string | null;
	getItem(key: string): string | null;
	setItem(key: string, value: string): void;
	removeItem(key: string): void;
};

export type WebStorageJournalOptions = {
	/**
	Where records live: `localStorage` keeps them across reloads and tabs, `sessionStorage` for one tab's session, or
	any object with the same members.
	@default globalThis.localStorage
	*/
	storage?: StorageLike | undefined;
	/**
	Starts the key of every entry the journal writes, so the journal can share a storage with the app's own entries.
	@default 'idemkey:'
	*/
	prefix?: string | undefined;
	/**
	Web Locks that serialise the writers of one operation across tabs; `null` to go without.
	@default globalThis.navigator.locks, where the platform has it
	*/
	locks?: LockManagerLike | null | undefined;
};

/**
A journal in Web Storage (`localStorage` by default): an operation's key survives a page reload. One entry per
record, keyed `prefix + JSON.stringify([scope, operation])`, holding the record as JSON.

Guarantees: within one tab, `create` (create-if-absent) and `compareAndSet` are atomic, since Storage calls are
synchronous and each method reads and writes with no await in between. Across tabs, each of them runs under a Web
Lock named after the entry when `navigator.locks` exists, so two tabs never interleave writes to one operation. What
is not guaranteed: browsers propagate `localStorage` writes to other tabs asynchronously, so a tab may for a moment
read another tab's older value; a cross-tab race on one operation can then still hand out two keys. Where several
tabs may run the same operation at once, use `IndexedDBJournal`, whose transactions are atomic across tabs.

A full storage makes writes fail with a `JournalError` that says so (nothing is sent); an entry that is not a record
makes the calls that read it fail with a `JournalError` naming the entry, and is never removed by the journal.
Entries under the prefix that are not in the journal's key format are ignored.
*/
export class WebStorageJournal implements Journal {
	readonly #prefix: string;
	readonly #locks: LockManagerLike | null | undefined;
	#storage: StorageLike | undefined;

	constructor(options: WebStorageJournalOptions = {}) {
		this.#storage = options.storage;
		this.#prefix = options.prefix ?? 'idemkey:';
		this.#locks = options.locks === undefined ? platformLocks() : options.locks;
	}

	/** Resolved on first use, so that constructing a journal during server-side rendering does not throw. */
	get #area(): StorageLike {
		if (this.#storage) return this.#storage;
		let storage: StorageLike | undefined;
		try {
			storage = (globalThis as { localStorage?: StorageLike }).localStorage;
		} catch (error) {
			// Browsers throw SecurityError here when the user blocks site data.
			throw storageError(error, 'Web Storage is not accessible (pass { storage })');
		}
		if (!storage) {
			throw new JournalError(
				'There is no localStorage here: pass { storage } to WebStorageJournal, or use a journal made for this runtime.',
			);
		}
		this.#storage = storage;
		return storage;
	}

	#entry(scope: string, operation: string): string {
		return `${this.#prefix}${JSON.stringify([scope, operation])}`;
	}

	/** The record in entry `name`, if any. Synchronous, so callers can read and write with no gap. */
	#read(name: string, scope: string, operation: string): JournalRecord | undefined {
		let text: string | null;
		try {
			text = this.#area.getItem(name);
		} catch (error) {
			throw storageError(error, `Web Storage could not read entry "${name}"`, operation);
		}
		if (text === null) return undefined;
		let value: unknown;
		try {
			value = JSON.parse(text);
		} catch {
			value = text;
		}
		return checkedRecord(value, `Web Storage entry "${name}"`, scope, operation);
	}

	#write(name: string, record: JournalRecord): void {
		try {
			this.#area.setItem(name, JSON.stringify(record));
		} catch (error) {
			throw storageError(error, `Web Storage could not write entry "${name}"`, record.operation);
		}
	}

	/** Entry names under the prefix that start with `start`, listed before any is changed. */
	#names(start: string): string[] {
		const area = this.#area;
		const names: string[] = [];
		try {
			for (let i = 0; i < area.length; i++) {
				const name = area.key(i);
				if (name?.startsWith(start)) names.push(name);
			}
		} catch (error) {
			throw storageError(error, 'Web Storage could not list its entries');
		}
		return names;
	}

	/** [scope, operation] of an entry name in the journal's format, `undefined` for anything else. */
	#idOf(name: string): [string, string] | undefined {
		try {
			const id: unknown = JSON.parse(name.slice(this.#prefix.length));
			if (Array.isArray(id) && id.length === 2 && typeof id[0] === 'string' && typeof id[1] === 'string') {
				return id as [string, string];
			}
		} catch {}
		return undefined;
	}

	/** Waits for the operation's lock while another tab holds it; `options.signal` ends the wait, writing nothing. */
	async create(record: JournalRecord, options?: JournalCallOptions): Promise<JournalRecord> {
		const name = this.#entry(record.scope, record.operation);
		return underLock(
			this.#locks,
			name,
			() => {
				const existing = this.#read(name, record.scope, record.operation);
				if (existing) return existing;
				this.#write(name, record);
				return record;
			},
			options?.signal,
		);
	}

	async get(scope: string, operation: string): Promise<JournalRecord | undefined> {
		return this.#read(this.#entry(scope, operation), scope, operation);
	}

	/** Waits for the operation's lock while another tab holds it; `options.signal` ends the wait, writing nothing. */
	async compareAndSet(next: JournalRecord, options?: JournalCallOptions): Promise<boolean> {
		const name = this.#entry(next.scope, next.operation);
		return underLock(
			this.#locks,
			name,
			() => {
				const current = this.#read(name, next.scope, next.operation);
				if (!current || current.revision !== next.revision - 1) return false;
				this.#write(name, next);
				return true;
			},
			options?.signal,
		);
	}

	async listUnfinished(scope: string): Promise<JournalRecord[]> {
		// JSON.stringify([scope, operation]) always starts like this, and no other scope's entries do.
		const start = `${this.#prefix}[${JSON.stringify(scope)},`;
		const out: JournalRecord[] = [];
		for (const name of this.#names(start)) {
			const id = this.#idOf(name);
			const record = id && this.#read(name, id[0], id[1]);
			if (record && !isFinished(record.state)) out.push(record);
		}
		return out.sort((a, b) => a.createdAt - b.createdAt);
	}

	async collectGarbage(now: number): Promise<number> {
		let removed = 0;
		for (const name of this.#names(this.#prefix)) {
			const id = this.#idOf(name);
			if (!id || !this.#collectable(name, id, now)) continue;
			// Re-checked under the lock, so a record another tab just rewrote is judged by its latest state.
			const gone = await underLock(this.#locks, name, () => {
				if (!this.#collectable(name, id, now)) return false;
				this.#area.removeItem(name);
				return true;
			});
			if (gone) removed++;
		}
		return removed;
	}

	#collectable(name: string, [scope, operation]: [string, string], now: number): boolean {
		try {
			const record = this.#read(name, scope, operation);
			return record !== undefined && isCollectable(record, now);
		} catch {
			// Unreadable entries are left for get() to report; they must not stop the collection.
			return false;
		}
	}
}
