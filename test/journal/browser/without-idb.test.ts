// Neither `idb` nor the global IDB* classes (`fake-indexeddb/auto`): IndexedDBJournal needs only the factory it is given.
import { IDBFactory } from 'fake-indexeddb';
import { expect, it, vi } from 'vitest';
import { IndexedDBJournal, WebStorageJournal } from '../../../src/browser.js';
import { claimed } from '../../../src/journal/lifecycle.js';
import { MapStorage } from './storage-stand-ins.js';
import { finish, NOW, record as recordOf } from './support.js';

// A site without the package idb, which IndexedDBJournal once needed as an optional peer dependency.
vi.mock('idb', () => {
	throw new Error("Cannot find package 'idb'");
});

const record = recordOf('op-1');

it('loads idemkey/browser and runs WebStorageJournal without idb installed', async () => {
	const journal = new WebStorageJournal({ storage: new MapStorage() });
	expect(await journal.create(record)).toEqual(record);
});

it('runs IndexedDBJournal on the IndexedDB API alone: no idb, no IDB* globals', async () => {
	expect('IDBKeyRange' in globalThis || 'IDBDatabase' in globalThis).toBe(false);
	const journal = new IndexedDBJournal({ indexedDB: new IDBFactory(), locks: null });
	const claim = claimed(await journal.create(record), NOW + 1);
	expect(await journal.compareAndSet(claim)).toBe(true);
	expect(await journal.get('tenant-1', 'op-1')).toEqual(claim);
	expect(await journal.listUnfinished('tenant-1')).toEqual([claim]);
	await finish(journal, 'op-2');
	expect(await journal.collectGarbage(NOW + 100_000)).toBe(1);
	await journal.close();
});
