import { afterFailure } from './batch-failure.js';
import type { PostgresPoolClient } from './options.js';
import type { Statements } from './statements.js';

/** One item's answer within a batch: its value, or its own error. */
export type Outcome<R> = { readonly value: R } | { readonly error: unknown };

/** A row to write: its column values in `rowValues` order (and, for compareAndSet, the revision expected). */
export type Write = { readonly values: readonly unknown[] };

/**
What `create` found: its record inserted, or the stored record's text; `undefined` when the row kept disappearing
between the insert that met it and the read (deleted each time by something else).
*/
export type CreateAnswer = { readonly created: true } | { readonly created: false; readonly record: unknown };

/**
A create that meets a row and then finds it gone when it reads it (collected in between) tries again, this many times:
each round needs another writer to delete the very row in between.
*/
const CREATE_ROUNDS = 3;

const sqlState = (error: unknown): string | undefined => {
	const value = (error as { code?: unknown } | null | undefined)?.code;
	return typeof value === 'string' ? value : undefined;
};

/** The rows' values column by column: one array per `$n` of the batch statements. */
const columns = (items: readonly Write[], count = items[0]?.values.length ?? 0): unknown[][] =>
	Array.from({ length: count }, (_, column) => items.map((item) => item.values[column]));

/** The identity of a row as its key columns hold it ($1, $2 of every statement): one-to-one, as `recordId`. */
const rowKey = (scope: unknown, operation: unknown): string => `${String(scope).length}:${scope}${operation}`;

/**
Sends `items` as one statement (`send`), again when the server rolled it back for a conflict with other transactions,
and item by item when it refused a value, so that one unusable item fails alone. Rejects when every item shares the
failure (the connection broke, the table is wrong).
*/
async function sendAll<R>(
	items: readonly Write[],
	send: (items: readonly Write[]) => Promise<Outcome<R>[]>,
): Promise<Outcome<R>[]> {
	for (let round = 1; ; round++) {
		try {
			return await send(items);
		} catch (error) {
			const next = afterFailure(sqlState(error), items.length, round);
			if (next === 'fail') throw error;
			if (next === 'alone') {
				const outcomes: Outcome<R>[] = [];
				for (const item of items) {
					outcomes.push(
						await sendAll([item], send).then(
							([outcome]) => outcome as Outcome<R>,
							(failure: unknown) => ({ error: failure }),
						),
					);
				}
				return outcomes;
			}
		}
	}
}

/**
One record: `create`, one round trip when it inserts or sees the row it met; a row committed after that statement's
snapshot is read by a second.
*/
async function createOne(client: PostgresPoolClient, sql: Statements, item: Write): Promise<CreateAnswer> {
	const [scope, operation] = item.values;
	for (let round = 0; round < CREATE_ROUNDS; round++) {
		const { rows } = await client.query({ text: sql.create, values: [...item.values] });
		const row = rows[0];
		if (row?.created === true) return { created: true };
		if (row?.record != null) return { created: false, record: row.record };
		const found = await client.query({ text: sql.get, values: [scope, operation] });
		if (found.rows[0]) return { created: false, record: found.rows[0].record };
	}
	return { created: false, record: undefined };
}

/**
Many records: one INSERT for all, then one read of the rows it met (a statement of its own sees them all). Once a row
of ours is inserted (committed: each statement is its own transaction) its item has its answer, whatever fails next:
a later failure is the answer of the items still waiting only, never a resend of the batch or "nothing was written"
for a row that was.
*/
async function createMany(
	client: PostgresPoolClient,
	sql: Statements,
	items: readonly Write[],
): Promise<Outcome<CreateAnswer>[]> {
	// Filled, not sparse: `map` skips the holes of an array made with `new Array(n)`.
	const outcomes: (Outcome<CreateAnswer> | undefined)[] = items.map(() => undefined);
	let inserted = false;
	try {
		let pending = items.map((_, i) => i);
		for (let round = 0; round < CREATE_ROUNDS && pending.length > 0; round++) {
			const batch = pending.map((i) => items[i] as Write);
			const { rows } = await client.query({ text: sql.createBatch, values: columns(batch) });
			const ours = new Set(rows.map((row) => rowKey(row.scope, row.operation)));
			const met: number[] = [];
			for (const i of pending) {
				const [scope, operation] = (items[i] as Write).values;
				if (!ours.has(rowKey(scope, operation))) met.push(i);
				else {
					outcomes[i] = { value: { created: true } };
					inserted = true;
				}
			}
			if (met.length === 0) break;
			const read = await client.query({
				text: sql.readBatch,
				values: columns(
					met.map((i) => items[i] as Write),
					2,
				),
			});
			const found = new Map(read.rows.map((row) => [Number(row.n), row.record]));
			pending = [];
			for (const [position, i] of met.entries()) {
				const record = found.get(position + 1);
				if (record == null) pending.push(i);
				else outcomes[i] = { value: { created: false, record } };
			}
		}
	} catch (error) {
		// Nothing of ours written yet: the batch may be sent again whole, or item by item (sendAll).
		if (!inserted) throw error;
		return outcomes.map((outcome) => outcome ?? { error });
	}
	return outcomes.map((outcome) => outcome ?? { value: { created: false, record: undefined } });
}

/** `create` for every item, as few statements as it takes. */
export const createAll = (client: PostgresPoolClient, sql: Statements, items: readonly Write[]) =>
	sendAll(items, async (batch): Promise<Outcome<CreateAnswer>[]> => {
		if (batch.length === 1) return [{ value: await createOne(client, sql, batch[0] as Write) }];
		return createMany(client, sql, batch);
	});

/** `compareAndSet` for every item: whether each was written. */
export const compareAndSetAll = (client: PostgresPoolClient, sql: Statements, items: readonly Write[]) =>
	sendAll(items, async (batch): Promise<Outcome<boolean>[]> => {
		if (batch.length === 1) {
			const { rowCount } = await client.query({
				text: sql.compareAndSet,
				values: [...(batch[0] as Write).values],
			});
			return [{ value: rowCount === 1 }];
		}
		const { rows } = await client.query({ text: sql.compareAndSetBatch, values: columns(batch) });
		const written = new Set(rows.map((row) => Number(row.n)));
		return batch.map((_, i) => ({ value: written.has(i + 1) }));
	});
