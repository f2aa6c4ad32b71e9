// The `idemkey/postgres` entry point: a journal in a PostgreSQL table, for workers on many machines. `pg` is an optional
// peer dependency: only this entry uses it, and only through the pool the caller passes in.

export type {
	PostgresJournalOptions,
	PostgresPool,
	PostgresPoolClient,
} from './journal/postgres/options.js';
export { PostgresJournal } from './journal/postgres/postgres-journal.js';
