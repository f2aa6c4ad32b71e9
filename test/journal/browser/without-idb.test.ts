import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { expect, it, vi } from 'vitest';
import { IndexedDBJournal, WebStorageJournal } from '../../../src/browser.js';
import { JournalError } from '../../../src/errors/classes.js';
import { MapStorage } from './storage-stand-ins.js';
import { record as recordOf } from './support.js';

// A site that installed idemkey without its optional peer dependency idb.
vi.mock('idb', () => {
	throw new Error("Cannot find package 'idb'");
});

const record = recordOf('op-1');

it('loads idemkey/browser and runs WebStorageJournal without idb installed', async () => {
	const journal = new WebStorageJournal({ storage: new MapStorage() });
	expect(await journal.create(record)).toEqual(record);
});

it('rejects IndexedDBJournal calls with a JournalError that says to install idb', async () => {
	const journal = new IndexedDBJournal({ indexedDB: new IDBFactory() });
	const error = await journal.create(record).catch((e: unknown) => e);
	expect(error).toBeInstanceOf(JournalError);
	expect((error as JournalError).message).toContain('install it (npm install idb)');
	await journal.close();
});
