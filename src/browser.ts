// The `idemkey/browser` entry point: journals backed by browser storage (IndexedDB, Web Storage).
export {};
