import { JournalError } from '../../errors/classes.js';
import type { Journal, JournalCallOptions } from '../journal.js';
import { isCollectable, isFinished, type JournalRecord, recordProblem } from '../record.js';
import { ChangeFeed, type JournalChangeListener } from './changes.js';
import { checkedRecord, storageError } from './failures.js';
import { holdLock, isHeld, type LockManagerLike, platformLocks, underLock } from './locks.js';

const STORE = 'records';
const VERSION = 1;

type Id = [scope: string, operation: string];

/**
What the store holds per record. `seq` is the primary key, numbered by the database as records are created, so
records created in the same millisecond still list in creation order. The index fields are set only when they
apply, and IndexedDB leaves out of an index the values that lack its field: so `unfinished` holds exactly the
unfinished records, keyed by scope, and `due` exactly the finished ones, keyed by the time they may be collected.
*/
type Stored = { seq?: number; record: JournalRecord; unfinishedIn?: string; collectableAt?: number };

/** What `request` resolves with, as a promise. */
const answer = <T>(request: IDBRequest<T>): Promise<T> =>
	new Promise((resolve, reject) => {
		request.onsuccess = () => resolve(request.result);
		request.onerror = () => reject(request.error);
	});

/**
Resolves once `tx` commits; rejects with what aborted it (a failed request, a full disk at commit). Taken when the
transaction starts, before any request could abort it; a caller that fails for another reason never looks at it, and
its rejection must not go unhandled.
*/
const committed = (tx: IDBTransaction): Promise<void> => {
	const done = new Promise<void>((resolve, reject) => {
		tx.oncomplete = () => resolve();
		tx.onabort = () => reject(tx.error ?? new DOMException('The transaction was aborted.', 'AbortError'));
	});
	done.catch(() => {});
	return done;
};

const toStored = (record: JournalRecord, seq: number | undefined): Stored => {
	const stored: Stored = isFinished(record.state)
		? { record, collectableAt: record.retainUntil }
		: { record, unfinishedIn: record.scope };
	if (seq !== undefined) stored.seq = seq;
	return stored;
};

export type IndexedDBJournalOptions = {
	/**
	Name of the IndexedDB database. Journals with one name share their records, across tabs too.
	@default 'idemkey'
	*/
	name?: string | undefined;
	/**
	The IndexedDB factory. In Node, pass a `new IDBFactory()` from `fake-indexeddb` (one per journal keeps them
	apart).
	@default globalThis.indexedDB
	*/
	indexedDB?: IDBFactory | undefined;
	/**
	Web Locks that queue the writers of one operation, across tabs, one at a time; `null` to go without (each write
	is one atomic IndexedDB transaction either way).
	@default globalThis.navigator.locks, where the platform has it
	*/
	locks?: LockManagerLike | null | undefined;
	/**
	Tell journals in other tabs about every change, over the `BroadcastChannel` named `'idemkey:' + name`, so that
	their `subscribe()` listeners hear of it.
	@default true (where the platform has BroadcastChannel)
	*/
	broadcast?: boolean | undefined;
};

/**
A journal in IndexedDB: an operation's key survives a page reload, and tabs of one origin share
records safely. `create` (create-if-absent) and `compareAndSet` each read and write in one readwrite transaction
with `durability: 'strict'`, so the claim is on disk before the SDK sends the request, and no other tab can come in
between; the writers of one operation also queue on a Web Lock where the platform has one. `listUnfinished` and
`collectGarbage` read indexes, never the whole store.

`subscribe(listener)` hears of every record written or collected by any journal on this database, in this tab or
another (see `JournalChange`). Call `close()` when done. The database opens on first use; if it cannot (private
browsing, blocked site data, another tab holding an older version open), calls fail with a `JournalError` that says
what to do, and nothing is sent. A stored value that is not a record fails the calls that read it with a
`JournalError` naming it; the journal never deletes it.
*/
/** Lease owners whose liveness a Web Lock vouches for carry this mark; the lock is named with the rest of the id. */
const OWNER_MARK = 'tab:';
const OWNER_LOCK = 'idemkey:owner:';

export class IndexedDBJournal implements Journal {
	/** The database name. */
	readonly name: string;
	readonly #factory: IDBFactory | undefined;
	readonly #locks: LockManagerLike | null | undefined;
	readonly #feed: ChangeFeed;
	#db: Promise<IDBDatabase> | undefined;
	#closed = false;
	readonly #owners: (() => void)[] = [];

	constructor(options: IndexedDBJournalOptions = {}) {
		this.name = options.name ?? 'idemkey';
		this.#factory = options.indexedDB;
		this.#locks = options.locks === undefined ? platformLocks() : options.locks;
		this.#feed = new ChangeFeed(options.broadcast === false ? undefined : `idemkey:${this.name}`);
	}

	/**
	Calls `listener` with every change to this database's records (see `JournalChange`); resolves nothing, returns
	the function that stops it. Exceptions thrown by a listener are reported (`reportError`) and otherwise ignored.
	*/
	subscribe(listener: JournalChangeListener): () => void {
		return this.#feed.subscribe(listener);
	}

	/**
	Holds a Web Lock named for `owner` while the page lives (or until `close()`), so that other tabs can tell it is gone
	(`ownerGone`) the moment the tab closes or reloads. Without Web Locks (or their `query`), the id is returned as is
	and its leases simply lapse.
	*/
	async holdOwner(owner: string): Promise<string> {
		const locks = this.#locks;
		if (!locks?.query || this.#closed) return owner;
		this.#owners.push(await holdLock(locks, `${OWNER_LOCK}${owner}`));
		return `${OWNER_MARK}${owner}`;
	}

	/** Whether the tab that wrote `owner` (an id `holdOwner` gave) has closed or reloaded: its lock is no longer held. */
	async ownerGone(owner: string): Promise<boolean> {
		const locks = this.#locks;
		if (!locks?.query || !owner.startsWith(OWNER_MARK)) return false;
		return !(await isHeld(locks, `${OWNER_LOCK}${owner.slice(OWNER_MARK.length)}`));
	}

	/** Closes the database (once running transactions finish) and the change channel; later calls reject. */
	async close(): Promise<void> {
		this.#closed = true;
		for (const release of this.#owners.splice(0)) release();
		this.#feed.close();
		const db = this.#db;
		this.#db = undefined;
		(await db?.catch(() => undefined))?.close();
	}

	/** Waits for the operation's lock while another tab holds it; `options.signal` ends the wait, writing nothing. */
	async create(record: JournalRecord, options?: JournalCallOptions): Promise<JournalRecord> {
		const { current } = await this.#swap(
			record,
			'record the operation',
			(found) => found === undefined,
			options?.signal,
		);
		return current ?? record;
	}

	/** Waits for the operation's lock while another tab holds it; `options.signal` ends the wait, writing nothing. */
	async compareAndSet(next: JournalRecord, options?: JournalCallOptions): Promise<boolean> {
		const { wrote } = await this.#swap(
			next,
			'record the attempt',
			(found) => found !== undefined && found.revision === next.revision - 1,
			options?.signal,
		);
		return wrote;
	}

	get(scope: string, operation: string): Promise<JournalRecord | undefined> {
		const id: Id = [scope, operation];
		return this.#guard('read a record', operation, async (db) => {
			const stored: Stored | undefined = await answer(
				db.transaction(STORE).objectStore(STORE).index('id').get(id),
			);
			return stored && this.#check(stored, id);
		});
	}

	listUnfinished(scope: string): Promise<JournalRecord[]> {
		return this.#guard('list unfinished records', undefined, async (db) => {
			// An index lists equal keys by primary key, here creation order; the stable sort keeps it within a millisecond.
			const values: Stored[] = await answer(
				db.transaction(STORE).objectStore(STORE).index('unfinished').getAll(scope),
			);
			return values
				.map((stored) => this.#check(stored, [scope, stored.record?.operation]))
				.sort((a, b) => a.createdAt - b.createdAt);
		});
	}

	collectGarbage(now: number): Promise<number> {
		return this.#guard('collect garbage', undefined, async (db) => {
			const tx = db.transaction(STORE, 'readwrite');
			const done = committed(tx);
			let removed = 0;
			const walk = tx.objectStore(STORE).index('due').openCursor();
			walk.onsuccess = () => {
				const cursor = walk.result;
				// The index is ordered by collection time: stop at the first record not yet due.
				if (!cursor || (cursor.key as number) > now) return;
				// Unreadable values are left for get() to report; they must not stop the collection.
				const { record } = cursor.value as Stored;
				if (recordProblem(record) === undefined && isCollectable(record, now)) {
					cursor.delete();
					removed++;
				}
				cursor.continue();
			};
			await done;
			if (removed > 0) this.#feed.publish({ type: 'collected', removed });
			return removed;
		});
	}

	/**
	Reads the record of `next` and writes `next` if `accept(current)`, in one strict transaction under the
	operation's lock. Resolves to the record found and whether `next` was written.
	*/
	#swap(
		next: JournalRecord,
		what: string,
		accept: (current: JournalRecord | undefined) => boolean,
		signal: AbortSignal | undefined,
	): Promise<{ current: JournalRecord | undefined; wrote: boolean }> {
		const { scope, operation, state, revision } = next;
		const id: Id = [scope, operation];
		return this.#guard(
			what,
			operation,
			(db) =>
				underLock(
					this.#locks,
					`idemkey:${this.name}:${JSON.stringify(id)}`,
					async () => {
						const tx = db.transaction(STORE, 'readwrite', { durability: 'strict' });
						const done = committed(tx);
						const store = tx.objectStore(STORE);
						const stored: Stored | undefined = await answer(store.index('id').get(id));
						const current = stored && this.#check(stored, id);
						const wrote = accept(current);
						// A failed put aborts the transaction, whose error (say, QuotaExceededError) is the one to report.
						if (wrote) store.put(toStored(next, stored?.seq));
						await done;
						if (wrote) this.#feed.publish({ type: 'written', scope, operation, state, revision });
						return { current, wrote };
					},
					signal,
				),
			signal,
		);
	}

	#check(stored: Stored, id: Id): JournalRecord {
		const where = `IndexedDB record ${JSON.stringify(id)} (#${stored.seq}) in database "${this.name}"`;
		return checkedRecord(stored.record, where, ...id);
	}

	async #guard<T>(
		what: string,
		operation: string | undefined,
		io: (db: IDBDatabase) => Promise<T>,
		signal?: AbortSignal,
	): Promise<T> {
		try {
			if (this.#closed) throw new JournalError(`IndexedDBJournal "${this.name}" is closed; make a new one.`);
			// Opened on first use, and again after a failed open or a close by the browser.
			this.#db ??= this.#open().catch((error: unknown) => {
				this.#db = undefined;
				throw error;
			});
			return await io(await this.#db);
		} catch (error) {
			// The caller left while the lock was held elsewhere: its own reason, not a storage failure.
			if (signal?.aborted && error === signal.reason) throw error;
			throw storageError(error, `IndexedDB journal "${this.name}" could not ${what}`, operation);
		}
	}

	async #open(): Promise<IDBDatabase> {
		const factory = this.#factory ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
		if (!factory) {
			throw new JournalError('There is no IndexedDB here: pass { indexedDB } (fake-indexeddb in Node).');
		}
		const name = this.name;
		const db = await new Promise<IDBDatabase>((resolve, reject) => {
			// Throws where the browser refuses storage (private browsing): the promise rejects with it.
			const request = factory.open(name, VERSION);
			request.onupgradeneeded = () => {
				const store = request.result.createObjectStore(STORE, { keyPath: 'seq', autoIncrement: true });
				// Unique: a second record of one operation is refused by the database itself.
				store.createIndex('id', ['record.scope', 'record.operation'], { unique: true });
				store.createIndex('unfinished', 'unfinishedIn');
				store.createIndex('due', 'collectableAt');
			};
			answer(request).then(resolve, reject);
			request.onblocked = () => {
				reject(
					new JournalError(
						`IndexedDB database "${name}" is held open by another tab: close or reload the other tabs.`,
					),
				);
				// A blocked open may still succeed later: let go of that connection at once.
				request.onsuccess = () => request.result.close();
			};
		}).catch((error: unknown) => {
			const why =
				(error as { name?: unknown } | undefined)?.name === 'VersionError'
					? 'was made by a newer version of idemkey: update idemkey on this page'
					: 'could not be opened: check that this site may store data (private browsing may not)';
			throw storageError(error, `IndexedDB database "${name}" ${why}`);
		});
		if (!db.objectStoreNames.contains(STORE)) {
			db.close();
			throw new JournalError(
				`IndexedDB database "${name}" belongs to something else: pass another { name }.`,
			);
		}
		const forget = () => {
			this.#db = undefined;
		};
		// Another tab wants to upgrade or delete the database: step aside (the next call reopens it).
		db.addEventListener('versionchange', () => {
			db.close();
			forget();
		});
		// The browser closed it (storage cleared, disk error): the next call reopens it.
		db.addEventListener('close', forget);
		return db;
	}
}
