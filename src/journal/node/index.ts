export { FileJournal } from './file-journal.js';
export type { FileJournalFs, FileJournalOptions, FileJournalWarning } from './options.js';
