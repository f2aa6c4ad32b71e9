// The `idemkey/browser` entry point: journals backed by browser storage (IndexedDB, Web Storage).
// Both journals run on the platform's storage APIs alone: no dependency.

export { guardForm } from './form/guard-form.js';
export { submitOnce } from './form/submit-once.js';
export type { JournalChange, JournalChangeListener } from './journal/browser/changes.js';
export type { IndexedDBJournalOptions } from './journal/browser/indexeddb.js';
export { IndexedDBJournal } from './journal/browser/indexeddb.js';
export type { LockManagerLike } from './journal/browser/locks.js';
export type { StorageLike, WebStorageJournalOptions } from './journal/browser/web-storage.js';
export { WebStorageJournal } from './journal/browser/web-storage.js';
export type {
	FormCall,
	FormClient,
	FormFields,
	FormGuard,
	FormOptions,
	FormState,
	FormStatus,
	FormSubmit,
	GuardFormOptions,
} from './types/form.js';
