import { InvalidRequestError, JournalError } from '../../errors/classes.js';
import type { Journal, JournalCallOptions } from '../journal.js';
import { type JournalRecord, recordId, recordProblem } from '../record.js';
import { Batcher, type Entry } from './batcher.js';
import { ConnectFailed, survivePoolErrors, withClient } from './connection.js';
import { connectionBroke, type FailedCall, postgresFailure } from './failures.js';
import { migrate } from './migrate.js';
import type { PostgresJournalOptions, PostgresPool, PostgresPoolClient } from './options.js';
import { columnId, rowValues, storedRecord } from './row.js';
import { GARBAGE_BATCH, type Statements, statementsFor } from './statements.js';
import { type TableName, tableName } from './table-name.js';
import { type CreateAnswer, compareAndSetAll, createAll, type Outcome, type Write } from './writes.js';

type Call = Omit<FailedCall, 'table' | 'sent'>;
/** A write waiting in the batcher. */
type Item = Write & { readonly call: Call; readonly record: JournalRecord };

/**
Write statements in flight at once, per journal: one. A statement costs the client and the server far more than one
more row in it does, and the calls that arrive while it runs are the next batch: at concurrency 32 on 2 cores, one in
flight gave 0.70 of bare ky, two gave 0.62 (smaller batches, more statements). At concurrency 1 each call still goes
at once, alone.
*/
const STATEMENTS_IN_FLIGHT = 1;
/** Rows per batch statement, at most: the rows it locks stay locked until it ends. */
const MAX_BATCH = 64;

/**
A journal in one PostgreSQL table, shared by every process and machine that uses the table: `create` is
`INSERT ... ON CONFLICT DO NOTHING`, `compareAndSet` is `UPDATE ... WHERE revision = $n`, `now()` is the server's
`clock_timestamp()`, each one statement in a transaction of its own. Writes made while another is being sent share
the next statement (see `Batcher`): one `INSERT ... SELECT FROM unnest(...)` for the creates, one key-ordered locking
`UPDATE` for the compare-and-sets, each call with its own answer. No session state, no session-level lock and no
named prepared statement: it works behind a transaction-pooling proxy (PgBouncer, `pool_mode = transaction`).

Call `await journal.migrate()` at start-up: it creates the table and its indexes if absent (safe to run from many
processes at once). The pool is yours: the journal never ends it, and listens to its 'error' event (an idle connection
the server dropped), which pg would otherwise raise as an uncaught exception, so that the process outlives a
database restart; the pool drops such connections by itself, and new ones are made once the server is back.
A failure is a `JournalError` that says what to do; a row that is not a usable record fails the calls that read it,
naming it, and is never deleted.

`options.signal` ends the wait for a pool connection or, for a write, in the queue for the next statement, writing
nothing. A statement once sent is not taken back (the
server may be applying it): the call waits for its answer, bounded by the pool's `query_timeout`; the client stops
waiting at its own deadline either way.
*/
export class PostgresJournal implements Journal {
	/** The table, as given (or the default). */
	readonly table: string;
	readonly #pool: PostgresPool;
	readonly #name: TableName;
	readonly #sql: Statements;
	readonly #batcher = new Batcher<Item>({
		slots: STATEMENTS_IN_FLIGHT,
		maxSize: MAX_BATCH,
		drain: (take) => this.#drain(take),
	});

	constructor(options: PostgresJournalOptions) {
		const pool = (options as Partial<PostgresJournalOptions> | undefined)?.pool;
		if (typeof pool?.connect !== 'function' || typeof pool.on !== 'function') {
			throw new InvalidRequestError(
				'PostgresJournal needs { pool }: a pg Pool (new pg.Pool({ connectionString })), which the caller owns.',
				{ field: 'pool' },
			);
		}
		this.#name = tableName(options.table);
		this.table = this.#name.display;
		this.#sql = statementsFor(this.#name);
		this.#pool = pool;
		survivePoolErrors(pool);
	}

	/**
	Creates the table and its indexes unless they exist; safe to run on every start, from any number of processes at
	once. Rejects with a `JournalError` if the table exists and is not an idemkey journal.
	*/
	migrate(options?: JournalCallOptions): Promise<void> {
		return this.#run({ what: 'create its table', writes: true }, options, (client) =>
			migrate(client, this.#name, this.#sql),
		);
	}

	create(record: JournalRecord, options?: JournalCallOptions): Promise<JournalRecord> {
		const call = { what: 'record the operation', operation: record.operation, writes: true };
		const refused = this.#refusal(record, call.what);
		if (refused) return Promise.reject(refused);
		const item = { call, record, values: rowValues(record) };
		return this.#batcher.submit('create', recordId(record.scope, record.operation), item, options?.signal);
	}

	get(scope: string, operation: string, options?: JournalCallOptions): Promise<JournalRecord | undefined> {
		const call = { what: 'read a record', operation, writes: false };
		return this.#run(call, options, (client) => this.#get(client, scope, operation));
	}

	compareAndSet(next: JournalRecord, options?: JournalCallOptions): Promise<boolean> {
		const call = { what: 'record the attempt', operation: next.operation, writes: true };
		const refused = this.#refusal(next, call.what);
		if (refused) return Promise.reject(refused);
		const item = { call, record: next, values: [...rowValues(next), next.revision - 1] };
		return this.#batcher.submit('compareAndSet', recordId(next.scope, next.operation), item, options?.signal);
	}

	listUnfinished(scope: string, options?: JournalCallOptions): Promise<JournalRecord[]> {
		const call = { what: `list the unfinished operations of scope ${JSON.stringify(scope)}`, writes: false };
		return this.#run(call, options, async (client) => {
			const { rows } = await client.query({ text: this.#sql.listUnfinished, values: [columnId(scope)] });
			return rows.map((row) => this.#record(row.record, scope, undefined));
		});
	}

	/** Deletes in batches of a thousand rows, each a short transaction of its own. */
	collectGarbage(now: number): Promise<number> {
		if (!Number.isFinite(now)) {
			return Promise.reject(
				new InvalidRequestError(`collectGarbage(now) takes epoch ms; got ${String(now)}.`, { field: 'now' }),
			);
		}
		return this.#run({ what: 'collect garbage', writes: true }, undefined, async (client) => {
			let removed = 0;
			for (;;) {
				const { rowCount } = await client.query({ text: this.#sql.collectGarbage, values: [now] });
				removed += rowCount ?? 0;
				if ((rowCount ?? 0) < GARBAGE_BATCH) return removed;
			}
		});
	}

	/** The server's clock (`clock_timestamp()`), epoch ms: one clock for every machine that shares the table. */
	now(options?: JournalCallOptions): Promise<number> {
		return this.#run({ what: "read the server's clock", writes: false }, options, async (client) => {
			const { rows } = await client.query({ text: this.#sql.now });
			return Number(rows[0]?.now);
		});
	}

	/** Runs batches on one pool connection while there are any; without a connection, fails the next, which sent nothing. */
	async #drain(take: () => Entry<Item>[] | undefined): Promise<void> {
		try {
			await withClient(this.#pool, undefined, async (client) => {
				for (let batch = take(); batch; batch = take()) await this.#send(client, batch);
			});
		} catch (error) {
			// Any other failure is the connection's, already told to the calls of the batch it broke under.
			if (!(error instanceof ConnectFailed)) return;
			for (const entry of take() ?? []) entry.reject(this.#failure(error.reason, entry.item.call, false));
		}
	}

	/** Settles each call of `batch` with its own answer; rejects (after failing them all) if the connection broke. */
	async #send(client: PostgresPoolClient, batch: Entry<Item>[]): Promise<void> {
		const items = batch.map((entry) => entry.item);
		let outcomes: Outcome<unknown>[];
		try {
			outcomes =
				batch[0]?.kind === 'create'
					? await this.#createAll(client, items)
					: await compareAndSetAll(client, this.#sql, items);
		} catch (error) {
			for (const entry of batch) entry.reject(this.#failure(error, entry.item.call, true));
			throw error;
		}
		let broken: unknown;
		for (const [i, entry] of batch.entries()) {
			// Every call settles, whatever came back: one left unsettled would hang its caller past any deadline.
			const outcome = outcomes[i] ?? { error: new Error('the batch gave this call no answer') };
			if ('value' in outcome) entry.resolve(outcome.value);
			else {
				entry.reject(this.#failure(outcome.error, entry.item.call, true));
				if (connectionBroke(outcome.error)) broken ??= outcome.error;
			}
		}
		// Back to the pool only a connection known to be good.
		if (broken !== undefined) throw broken;
	}

	/** Each record created, or the one stored before it. */
	async #createAll(client: PostgresPoolClient, items: readonly Item[]): Promise<Outcome<JournalRecord>[]> {
		const answers = await createAll(client, this.#sql, items);
		return answers.map((answer, i): Outcome<JournalRecord> => {
			const { record } = items[i] as Item;
			if ('error' in answer) return answer;
			try {
				return { value: this.#created(record, answer.value) };
			} catch (error) {
				return { error };
			}
		});
	}

	#created(record: JournalRecord, answer: CreateAnswer): JournalRecord {
		if (answer.created) return record;
		if (answer.record !== undefined) return this.#record(answer.record, record.scope, record.operation);
		throw new JournalError(
			`PostgresJournal could not record operation "${record.operation}" (table ${this.table}): its row kept disappearing between insert and read (deleted by something else?). Nothing was written.`,
			{ operation: record.operation },
		);
	}

	#failure(error: unknown, call: Call, sent: boolean): unknown {
		return postgresFailure(error, { ...call, table: this.table, sent });
	}

	async #get(client: PostgresPoolClient, scope: string, operation: string) {
		const { rows } = await client.query({
			text: this.#sql.get,
			values: [columnId(scope), columnId(operation)],
		});
		const row = rows[0];
		return row === undefined ? undefined : this.#record(row.record, scope, operation);
	}

	#record(text: unknown, scope: string, operation: string | undefined): JournalRecord {
		return storedRecord(text, this.table, scope, operation);
	}

	/** A record that could not be read back must not be stored: refused before any SQL. */
	#refusal(record: JournalRecord, what: string): JournalError | undefined {
		const why = recordProblem(record);
		if (why === undefined) return undefined;
		return new JournalError(
			`PostgresJournal refused to ${what}: the record is not a usable idemkey record (${why}). Nothing was written.`,
			{ operation: typeof record?.operation === 'string' ? record.operation : undefined },
		);
	}

	async #run<T>(
		call: Call,
		options: JournalCallOptions | undefined,
		work: (client: PostgresPoolClient) => Promise<T>,
	): Promise<T> {
		const signal = options?.signal;
		try {
			return await withClient(this.#pool, signal, work);
		} catch (error) {
			// The caller left while waiting for a connection: its own reason, not a database failure.
			if (signal?.aborted && error === signal.reason) throw error;
			const sent = !(error instanceof ConnectFailed);
			const cause = error instanceof ConnectFailed ? error.reason : error;
			throw postgresFailure(cause, { ...call, table: this.table, sent });
		}
	}
}
