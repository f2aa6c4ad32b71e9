import { afterFailure } from './batch-failure.js';
import type { PostgresPoolClient } from './options.js';
import type { Statements } from './statements.js';

/** One item's answer within a batch: its value, or its own error. */
export type Outcome<R> = { readonly value: R } | { readonly error: unknown };

/** A row to write: its column values in `rowValues` order (and, for compareAndSet, the revision expected). */
export type Write = { readonly values: readonly unknown[] };

/** What `createBatch` says of one record: inserted, or the stored record's text (null: committed after the snapshot). */
export type CreateAnswer = { readonly created: boolean; readonly record: unknown };

const code = (error: unknown): string | undefined => {
	const value = (error as { code?: unknown } | null | undefined)?.code;
	return typeof value === 'string' ? value : undefined;
};

/** The rows' values column by column: one array per `$n` of the batch statements. */
const columns = (items: readonly Write[]): unknown[][] =>
	(items[0]?.values ?? []).map((_, column) => items.map((item) => item.values[column]));

/** Each input's row of the answer, by its position `n` (from 1). */
function byPosition<R>(count: number, rows: Record<string, unknown>[], read: (row?: Record<string, unknown>) => R) {
	const found = new Map(rows.map((row) => [Number(row.n), row]));
	return Array.from({ length: count }, (_, i): Outcome<R> => ({ value: read(found.get(i + 1)) }));
}

/**
Sends `items` as one statement, again when the server rolled it back for a conflict with other transactions, and item
by item when it refused a value, so that one unusable item fails alone. Rejects when every item shares the failure (the
connection broke, the table is wrong).
*/
async function sendAll<W extends Write, R>(
	items: readonly W[],
	send: (items: readonly W[]) => Promise<Outcome<R>[]>,
): Promise<Outcome<R>[]> {
	for (let round = 1; ; round++) {
		try {
			return await send(items);
		} catch (error) {
			const next = afterFailure(code(error), items.length, round);
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

/** `create` for every item in one statement (`createBatch`). */
export const createAll = (client: PostgresPoolClient, sql: Statements, items: readonly Write[]) =>
	sendAll(items, async (batch) => {
		const { rows } = await client.query({ text: sql.createBatch, values: columns(batch) });
		return byPosition(batch.length, rows, (row): CreateAnswer => ({
			created: row?.created === true,
			record: row?.record ?? null,
		}));
	});

/** `compareAndSet` for every item in one statement (`compareAndSetBatch`): whether each was written. */
export const compareAndSetAll = (client: PostgresPoolClient, sql: Statements, items: readonly Write[]) =>
	sendAll(items, async (batch) => {
		const { rows } = await client.query({ text: sql.compareAndSetBatch, values: columns(batch) });
		return byPosition(batch.length, rows, (row) => row !== undefined);
	});
