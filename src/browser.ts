// The `idemkey/browser` entry point: journals backed by browser storage (IndexedDB, Web Storage).
// IndexedDBJournal needs the optional peer dependency `idb`; WebStorageJournal needs nothing.
export type { JournalChange, JournalChangeListener } from './journal/browser/changes.js';
export type { IndexedDBJournalOptions } from './journal/browser/indexeddb.js';
export { IndexedDBJournal } from './journal/browser/indexeddb.js';
export type { LockManagerLike } from './journal/browser/locks.js';
export type { StorageLike, WebStorageJournalOptions } from './journal/browser/web-storage.js';
export { WebStorageJournal } from './journal/browser/web-storage.js';
