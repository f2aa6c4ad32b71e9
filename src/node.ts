// The `idemkey/node` entry point: journals that need Node built-ins (the file system).
// Kept out of the root entry so the core stays web-standard and runs in browsers and edge workers.
export { FileJournal } from './journal/node/file-journal.js';
export type { FileJournalFs, FileJournalOptions, FileJournalWarning } from './journal/node/options.js';
