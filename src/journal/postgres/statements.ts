import type { TableName } from './table-name.js';

/** Finished records are collected; the others are listed. Spelled once: the partial indexes match these words. */
const FINISHED = `state IN ('succeeded', 'failed')`;
const UNFINISHED = `state NOT IN ('succeeded', 'failed')`;

/** Rows deleted per statement by collectGarbage: short transactions, few locks held at once. */
export const GARBAGE_BATCH = 1_000;

/** The columns `migrate()` expects of an existing table, with their types as `format_type` names them. */
export const COLUMNS: Readonly<Record<string, string>> = {
	scope: 'text',
	operation: 'text',
	seq: 'bigint',
	revision: 'bigint',
	state: 'text',
	created_at: 'bigint',
	retain_until: 'bigint',
	record: 'json',
};

export type Statements = ReturnType<typeof statementsFor>;

/**
Every statement PostgresJournal sends, each one round trip and one implicit transaction (except `migrate`), without
session state, so a transaction-pooling proxy may hand each to another server connection. Values are numbered as
`rowValues` orders them: $1 scope, $2 operation, $3 revision, $4 state, $5 created_at, $6 retain_until, $7 record.
Times are epoch ms, as in the record.
*/
export function statementsFor(table: TableName) {
	const t = table.sql;
	return {
		/**
		Create-if-absent and read back in one round trip. The read sees the snapshot taken before the insert: a row
		inserted by this statement reads as absent (`created` says so), and so does one another transaction committed
		after that snapshot, whose conflict the insert still saw: the caller then reads it with a statement of its own.
		*/
		create: `WITH inserted AS (
	INSERT INTO ${t} (scope, operation, revision, state, created_at, retain_until, record)
	VALUES ($1, $2, $3, $4, $5, $6, $7)
	ON CONFLICT (scope, operation) DO NOTHING
	RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM inserted) AS created,
	(SELECT record::text FROM ${t} WHERE scope = $1 AND operation = $2) AS record`,
		/**
		`create` for many records at once: $1 ... $7 are arrays of the columns, one element per record, no two of one row.
		Rows are inserted in key order, so that two batches of other processes wait for each other rather than deadlock.
		Returns the keys inserted; the others existed (`readBatch` reads them). Kept to one plain INSERT: a CTE that also
		read back the rows that existed cost the server more than the second statement it saves, which only conflicts need.
		*/
		createBatch: `INSERT INTO ${t} (scope, operation, revision, state, created_at, retain_until, record)
SELECT scope, operation, revision, state, created_at, retain_until, record::json
FROM unnest($1::text[], $2::text[], $3::int8[], $4::text[], $5::int8[], $6::int8[], $7::text[])
	AS u(scope, operation, revision, state, created_at, retain_until, record)
ORDER BY scope COLLATE "C", operation COLLATE "C"
ON CONFLICT (scope, operation) DO NOTHING
RETURNING scope, operation`,
		/** `get` for many rows: $1 scopes, $2 operations. Returns the rows found, `n` the position (from 1) of each. */
		readBatch: `SELECT u.n::int AS n, t.record::text AS record
FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS u(scope, operation, n)
JOIN ${t} AS t ON t.scope = u.scope AND t.operation = u.operation`,
		get: `SELECT record::text AS record FROM ${t} WHERE scope = $1 AND operation = $2`,
		/** $8: the revision the stored record must have (the new one minus one). */
		compareAndSet: `UPDATE ${t}
SET revision = $3, state = $4, created_at = $5, retain_until = $6, record = $7
WHERE scope = $1 AND operation = $2 AND revision = $8`,
		/**
		`compareAndSet` for many records at once: $1 ... $7 as in `createBatch`, $8 the revisions expected. Each row whose
		revision is the expected one is locked first, in key order (an UPDATE ... FROM alone locks rows in whatever order
		its plan visits them, and two batches could deadlock), then written. A row changed under the lock by a concurrent
		writer is judged on its newest version, as the single UPDATE judges it. Returns the positions (from 1) written.
		*/
		compareAndSetBatch: `WITH locked AS (
	SELECT u.n, u.revision, u.state, u.created_at, u.retain_until, u.record, t.scope, t.operation
	FROM (
		SELECT * FROM unnest($1::text[], $2::text[], $3::int8[], $4::text[], $5::int8[], $6::int8[], $7::text[], $8::int8[])
			WITH ORDINALITY AS u(scope, operation, revision, state, created_at, retain_until, record, expected, n)
		ORDER BY scope COLLATE "C", operation COLLATE "C"
	) AS u,
	LATERAL (
		SELECT scope, operation FROM ${t} AS t
		WHERE t.scope = u.scope AND t.operation = u.operation AND t.revision = u.expected
		FOR NO KEY UPDATE
	) AS t
)
UPDATE ${t} AS t
SET revision = l.revision, state = l.state, created_at = l.created_at, retain_until = l.retain_until, record = l.record::json
FROM locked AS l
WHERE t.scope = l.scope AND t.operation = l.operation
RETURNING l.n::int AS n`,
		/**
		Oldest first; creation order (`seq`) within a millisecond. Rows locked by a writer are skipped rather than waited
		for: their writer is alive and at work on them, and two recoveries running at once share the rows out between
		them instead of queueing on each other. The locks end with the statement.
		*/
		listUnfinished: `SELECT operation, record::text AS record FROM ${t}
WHERE scope = $1 AND ${UNFINISHED}
ORDER BY created_at, seq
FOR UPDATE SKIP LOCKED`,
		/**
		$1: now. A batch of finished rows due, whose record agrees that it is finished (a record edited by hand into
		something unreadable is left for a read to report). Rows being written are skipped: the next pass gets them.
		*/
		collectGarbage: `WITH due AS (
	SELECT scope, operation FROM ${t}
	WHERE ${FINISHED} AND retain_until <= $1 AND record->>'state' = state
	LIMIT ${GARBAGE_BATCH}
	FOR UPDATE SKIP LOCKED
)
DELETE FROM ${t} AS t USING due WHERE t.scope = due.scope AND t.operation = due.operation`,
		/** The server's clock, not the transaction's start: a long transaction must not freeze lease expiries. */
		now: `SELECT floor(extract(epoch FROM clock_timestamp()) * 1000)::float8 AS now`,
		migrate: {
			/**
			Held to the end of migrate's transaction: concurrent `CREATE ... IF NOT EXISTS` race on the system catalogs
			(a unique violation in pg_type) without it. Transaction-level, so a transaction pooler keeps it on one
			connection and releases it at commit; $1, $2: the lock's two keys.
			*/
			lock: 'SELECT pg_advisory_xact_lock($1::int4, $2::int4)',
			table: `CREATE TABLE IF NOT EXISTS ${t} (
	scope text COLLATE "C" NOT NULL,
	operation text COLLATE "C" NOT NULL,
	seq bigint GENERATED ALWAYS AS IDENTITY,
	revision bigint NOT NULL,
	state text NOT NULL CHECK (state IN ('pending', 'inflight', 'succeeded', 'failed', 'unknown')),
	created_at bigint NOT NULL,
	retain_until bigint NOT NULL,
	record json NOT NULL,
	PRIMARY KEY (scope, operation)
)`,
			/** Made once the table is known to be ours: an index on another table's columns would fail, or worse, fit. */
			indexes: [
				`CREATE INDEX IF NOT EXISTS ${table.index('unfinished')} ON ${t} (scope, created_at, seq) WHERE ${UNFINISHED}`,
				`CREATE INDEX IF NOT EXISTS ${table.index('due')} ON ${t} (retain_until) WHERE ${FINISHED}`,
			],
			/** $1: the quoted table name. The table's columns and types, to tell an idemkey table from another. */
			columns: `SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute
WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped`,
		},
	};
}
