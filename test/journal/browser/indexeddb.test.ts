import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IndexedDBJournal } from '../../../src/journal/browser/indexeddb.js';
import type { Journal } from '../../../src/journal/journal.js';
import { claimed } from '../../../src/journal/lifecycle.js';
import { JournalRecordSchema } from '../../../src/journal/record.js';
import { runJournalConformance } from '../../../src/testing/index.js';
import { twoTabs } from './storage-stand-ins.js';
import { closedAfterTest, finish, indexedDBJournal, NOW, record, rejection } from './support.js';

const api = { describe, it, expect, beforeEach, afterEach };
const journal = indexedDBJournal;

runJournalConformance('IndexedDBJournal with Web Locks', () => journal(), api);
runJournalConformance('IndexedDBJournal without Web Locks', () => journal({ locks: null }), api);
runJournalConformance(
	'IndexedDBJournal in two tabs sharing one database',
	(): Journal => {
		const indexedDB = new IDBFactory();
		return twoTabs(journal({ indexedDB }), journal({ indexedDB, locks: null }));
	},
	api,
);

const request = <T>(req: IDBRequest<T>) =>
	new Promise<T>((resolve, reject) => {
		req.onsuccess = () => resolve(req.result);
		req.onerror = () => reject(req.error);
	});

/** Adds `value` to the journal's store behind its back, as a bug or an older or newer library could. */
async function plant(factory: IDBFactory, value: unknown) {
	const db = await request(factory.open('idemkey', 1));
	const tx = db.transaction('records', 'readwrite');
	tx.objectStore('records').put(value);
	await new Promise((resolve) => {
		tx.oncomplete = resolve;
	});
	db.close();
}

describe('IndexedDBJournal storage', () => {
	it('keeps records in the database across journals, as after a page reload', async () => {
		const indexedDB = new IDBFactory();
		const before = journal({ indexedDB });
		const claim = claimed(await before.create(record('op-1')), NOW + 1);
		await before.compareAndSet(claim);
		await before.close();
		const after = journal({ indexedDB });
		expect(await after.get('tenant-1', 'op-1')).toEqual(claim);
		expect(await after.listUnfinished('tenant-1')).toEqual([claim]);
	});

	it("uses globalThis.indexedDB and the database name 'idemkey' by default", async () => {
		const indexedDB = new IDBFactory();
		vi.stubGlobal('indexedDB', indexedDB);
		try {
			const byDefault = closedAfterTest(new IndexedDBJournal());
			await byDefault.create(record('op-1'));
			expect((await indexedDB.databases()).map((d) => d.name)).toEqual(['idemkey']);
		} finally {
			vi.unstubAllGlobals();
		}
	});

	it('keeps journals with different database names apart', async () => {
		const indexedDB = new IDBFactory();
		await journal({ indexedDB, name: 'shop' }).create(record('op-1'));
		expect(await journal({ indexedDB, name: 'admin' }).get('tenant-1', 'op-1')).toBe(undefined);
	});

	it('writes creates and claims in readwrite transactions with strict durability', async () => {
		const transaction = vi.spyOn(IDBDatabase.prototype, 'transaction');
		const j = journal();
		const first = await j.create(record('op-1'));
		await j.compareAndSet(claimed(first, NOW + 1));
		const writes = transaction.mock.calls.filter(([, mode]) => mode === 'readwrite');
		expect(writes).toHaveLength(2);
		for (const [, , options] of writes) expect(options).toEqual({ durability: 'strict' });
	});

	it('lists unfinished records from an index, without reading the finished ones', async () => {
		const j = journal();
		for (let i = 0; i < 30; i++) await finish(j, `done-${i}`);
		const open = await j.create(record('open'));
		const reads = vi.spyOn(IDBObjectStore.prototype, 'getAll');
		const cursors = vi.spyOn(IDBObjectStore.prototype, 'openCursor');
		expect(await j.listUnfinished('tenant-1')).toEqual([open]);
		expect(reads).not.toHaveBeenCalled();
		expect(cursors).not.toHaveBeenCalled();
	});

	it('collects garbage by visiting only the records that are due', async () => {
		const j = journal();
		for (let i = 0; i < 3; i++) await finish(j, `due-${i}`);
		for (let i = 0; i < 20; i++) {
			const done = await finish(j, `young-${i}`);
			await j.compareAndSet({ ...done, revision: done.revision + 1, retainUntil: NOW + 10_000_000 });
		}
		// Every record the collection visits is checked before it is deleted.
		const visits = vi.spyOn(JournalRecordSchema['~standard'], 'validate');
		expect(await j.collectGarbage(NOW + 100_000)).toBe(3);
		expect(visits).toHaveBeenCalledTimes(3);
		expect(await j.get('tenant-1', 'young-0')).toBeDefined();
	});
});

describe('IndexedDBJournal with a corrupt or foreign value', () => {
	it.each([
		['a record missing its fields', { record: { scope: 'tenant-1', operation: 'op-1' } }],
		['a record of a future format', { record: { ...record('op-1'), v: 2 }, unfinishedIn: 'tenant-1' }],
		['a record with a string revision', { record: { ...record('op-1'), revision: '1' } }],
	])(
		'rejects get, create and compareAndSet of %s with a JournalError naming the record, and leaves it',
		async (_what, value) => {
			const indexedDB = new IDBFactory();
			const j = journal({ indexedDB });
			const healthy = await j.create(record('op-2'));
			await plant(indexedDB, value);

			const read = await rejection(j.get('tenant-1', 'op-1'));
			expect(read.message).toContain('IndexedDB record ["tenant-1","op-1"] (#2) in database "idemkey"');
			expect(read.operation).toBe('op-1');
			await rejection(j.create(record('op-1')));
			await rejection(j.compareAndSet(claimed(record('op-1'), NOW + 1)));
			expect(await j.get('tenant-1', 'op-2')).toEqual(healthy);
			const again = await rejection(j.get('tenant-1', 'op-1'));
			expect(again.message).toContain('not a usable idemkey record');
		},
	);

	it("fails listUnfinished of the corrupt value's scope naming it, and collects finished records around it", async () => {
		const indexedDB = new IDBFactory();
		const j = journal({ indexedDB });
		await finish(j, 'op-1');
		await finish(j, 'op-3');
		await plant(indexedDB, {
			record: { scope: 'tenant-1', operation: 'op-2', state: 'succeeded' },
			unfinishedIn: 'tenant-1',
			collectableAt: 0,
		});

		const error = await rejection(j.listUnfinished('tenant-1'));
		expect(error.message).toContain('["tenant-1","op-2"]');
		expect(await j.collectGarbage(NOW + 100_000)).toBe(2);
		await rejection(j.get('tenant-1', 'op-2'));
	});
});

describe('IndexedDBJournal opening the database', () => {
	afterEach(() => {
		vi.unstubAllGlobals();
	});

	it('constructs without IndexedDB, then rejects calls with a JournalError that says to pass { indexedDB }', async () => {
		vi.stubGlobal('indexedDB', undefined);
		const j = new IndexedDBJournal();
		const error = await rejection(j.create(record('op-1')));
		expect(error.message).toContain('pass { indexedDB }');
	});

	it('refuses a database of the same name made by something else, saying to pass another name', async () => {
		const indexedDB = new IDBFactory();
		const other = indexedDB.open('idemkey', 1);
		other.onupgradeneeded = () => other.result.createObjectStore('todos');
		(await request(other)).close();
		const error = await rejection(journal({ indexedDB }).get('tenant-1', 'op-1'));
		expect(error.message).toContain('belongs to something else');
		expect(error.message).toContain('pass another { name }');
	});

	it('refuses a database upgraded by a newer version, saying to update idemkey', async () => {
		const indexedDB = new IDBFactory();
		(await request(indexedDB.open('idemkey', 7))).close();
		const error = await rejection(journal({ indexedDB }).create(record('op-1')));
		expect(error.message).toContain('newer version of idemkey');
		expect((error.cause as DOMException).name).toBe('VersionError');
	});

	it('reports an open refused by the browser (private browsing) with what to check', async () => {
		const indexedDB = new IDBFactory();
		indexedDB.open = () => {
			throw new DOMException(
				'A mutation operation was attempted on a database that did not allow mutations.',
				'InvalidStateError',
			);
		};
		const error = await rejection(journal({ indexedDB }).create(record('op-1')));
		expect(error.message).toContain('could not be opened: check that this site may store data');
		expect(error.message).toContain('InvalidStateError');
	});

	it('rejects while another tab blocks the open, keeps no late connection of it, then opens on the next call', async () => {
		const indexedDB = new IDBFactory();
		const open = indexedDB.open.bind(indexedDB);
		let blockNext = true;
		indexedDB.open = (name, version) => {
			const req = open(name, version);
			if (blockNext) queueMicrotask(() => req.onblocked?.(new Event('blocked') as IDBVersionChangeEvent));
			blockNext = false;
			return req;
		};
		const j = journal({ indexedDB });
		const error = await rejection(j.create(record('op-1')));
		expect(error.message).toContain('close or reload the other tabs');
		// The blocked open succeeds late here: kept, its connection would block the other tab's upgrade (or deletion).
		const deletion = indexedDB.deleteDatabase('idemkey');
		const blocked = await new Promise<boolean>((resolve) => {
			deletion.onsuccess = () => resolve(false);
			deletion.onblocked = () => resolve(true);
		});
		expect(blocked, 'a late connection of the blocked open blocks deleting the database').toBe(false);
		const stored = await j.create(record('op-1'));
		expect(await j.get('tenant-1', 'op-1')).toEqual(stored);
	});

	it('lets another tab delete the database, and reopens it on the next call', async () => {
		const indexedDB = new IDBFactory();
		const j = journal({ indexedDB });
		await j.create(record('op-1'));
		// Resolves only once every connection is closed: the journal must let go of its own.
		await request(indexedDB.deleteDatabase('idemkey'));
		expect(await j.get('tenant-1', 'op-1')).toBe(undefined);
		const again = await j.create(record('op-1'));
		expect(await j.get('tenant-1', 'op-1')).toEqual(again);
	});

	it('closes: the database can be deleted at once, and later calls reject with a JournalError', async () => {
		const indexedDB = new IDBFactory();
		const j = journal({ indexedDB });
		await j.create(record('op-1'));
		await j.close();
		const deletion = indexedDB.deleteDatabase('idemkey');
		const blocked = vi.fn();
		deletion.onblocked = blocked;
		await request(deletion);
		expect(blocked).not.toHaveBeenCalled();
		const error = await rejection(j.get('tenant-1', 'op-1'));
		expect(error.message).toContain('is closed');
	});
});

describe('IndexedDBJournal with a full storage', () => {
	it('rejects a claim with a JournalError saying the storage is full, and keeps the record as it was', async () => {
		const j = journal();
		const first = await j.create(record('op-1'));
		vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
			throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
		});
		const error = await rejection(j.compareAndSet(claimed(first, NOW + 1)));
		expect(error.message).toContain('IndexedDB journal "idemkey" could not record the attempt');
		expect(error.message).toContain('the storage is full');
		expect(error.operation).toBe('op-1');
		vi.restoreAllMocks();
		expect(await j.get('tenant-1', 'op-1')).toEqual(first);
	});

	it('reports a transaction aborted by the quota at commit as a full storage', async () => {
		const j = journal();
		const first = await j.create(record('op-1'));
		const put = IDBObjectStore.prototype.put;
		vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, ...args) {
			const req = put.apply(this, args);
			// As browsers do when the commit runs out of space: the transaction aborts with QuotaExceededError.
			const tx = this.transaction;
			Object.defineProperty(tx, 'error', { value: new DOMException('full', 'QuotaExceededError') });
			req.addEventListener('success', () => tx.abort());
			return req;
		});
		const error = await rejection(j.compareAndSet(claimed(first, NOW + 1)));
		expect(error.message).toContain('the storage is full');
		vi.restoreAllMocks();
		expect(await j.get('tenant-1', 'op-1')).toEqual(first);
	});
});
