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
	Where records live: `localStorage` keeps them across reloads, `sessionStorage` for one tab's session, or any object
	with the same members. Either way the journal is for one tab at a time: two tabs sharing `localStorage` can both
	create or claim one operation (see {@link WebStorageJournal}); use `IndexedDBJournal` across tabs.
	@default globalThis.localStorage
	*/
	storage?: StorageLike | undefined;
	/**
	Starts the key of every entry the journal writes, so the journal can share a storage with the app's own entries.
	@default 'idemkey:'
	*/
	prefix?: string | undefined;
	/**
	Web Locks taken around each write of an operation; `null` to go without. They narrow the race between two tabs
	but cannot close it, since a tab can read another's older value under the lock (see {@link WebStorageJournal}).
	@default globalThis.navigator.locks, where the platform has it
	*/
	locks?: LockManagerLike | null | undefined;
};

/**
A journal in Web Storage (`localStorage` by default): an operation's key survives a page reload. One entry per
record, keyed `prefix + JSON.stringify([scope, operation])`, holding the record as JSON.

**One tab at a time.** Within one tab, `create` (create-if-absent) and `compareAndSet` are atomic: Storage calls are
synchronous and each method reads and writes with no await in between. Across tabs they are not, Web Locks or not:
browsers hand `localStorage` writes to other tabs' processes asynchronously, so a tab that takes an operation's lock
just after another tab wrote under it can still read the older value. Two tabs running one operation at once (the
same operation id, or both resuming what a closed tab left) can then both create it, each with its own key (two
effects), or both claim it (two attempts on the wire). Measured in Chromium: two tabs creating one entry under its Web
Lock both "won" in 1 to 7 rounds of 100 (9 of 40 without the lock). The locks narrow that race; nothing built on
`localStorage` closes it. Use `IndexedDBJournal` wherever two tabs may run the same operation: its transactions are
atomic across tabs. `{ storage: sessionStorage }` gives each tab its own records, so tabs never race (a closed tab's
records go with it, and a duplicated tab starts with a copy).

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
