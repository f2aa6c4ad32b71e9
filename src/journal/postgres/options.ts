/**
What PostgresJournal needs of a connection: a query that takes its values apart from its text. A `pg` client fits as it
is (`PoolClient`). Only unnamed statements are sent, so a transaction-pooling proxy (PgBouncer) in between is fine.
*/
export type PostgresPoolClient = {
	query(config: { text: string; values?: unknown[] }): Promise<{
		rows: Record<string, unknown>[];
		rowCount: number | null;
	}>;
	/** `pg` destroys the connection when given an error, and returns it to the pool otherwise. */
	release(error?: Error | boolean): void;
	on(event: 'error', listener: (error: Error) => void): unknown;
	removeListener(event: 'error', listener: (error: Error) => void): unknown;
};

/** What PostgresJournal needs of a pool: a `pg` `Pool` fits as it is. */
export type PostgresPool = {
	connect(): Promise<PostgresPoolClient>;
	on(event: 'error', listener: (error: Error) => void): unknown;
};

export type PostgresJournalOptions = {
	/**
	The `pg` pool to run on; yours to configure and to end (the journal never ends it). Set its
	`connectionTimeoutMillis` (a few seconds) and `query_timeout`: a journal call waits for a connection at most until
	the caller's signal aborts, but a statement already sent is waited for until it answers or the pool's timeouts
	end it.
	@example new pg.Pool({ connectionString: process.env.DATABASE_URL, connectionTimeoutMillis: 5_000, query_timeout: 10_000 })
	*/
	pool: PostgresPool;
	/**
	The table of records, optionally schema-qualified. Lowercase letters, digits and `_`, starting with a letter or `_`,
	so the name means the same quoted or not; at most 52 characters (its indexes are named after it). Journals on one
	table share their operations. The schema must exist; `migrate()` creates the table.
	@default 'idemkey_journal'
	@example 'billing.idemkey_journal'
	*/
	table?: string | undefined;
};
