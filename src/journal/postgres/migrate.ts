import { JournalError } from '../../errors/classes.js';
import type { PostgresPoolClient } from './options.js';
import { COLUMNS, type Statements } from './statements.js';
import type { TableName } from './table-name.js';

// 'idky': the advisory-lock class of idemkey's migrations, so that they do not queue behind another program's locks.
const LOCK_CLASS = 0x69646b79;

/** FNV-1a of the table's name, as a signed 32-bit key: migrations of two tables rarely wait for each other. */
const lockKey = (name: string): number => {
	let hash = 0x811c9dc5;
	for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193);
	return hash | 0;
};

/** Columns of COLUMNS that `found` lacks or types otherwise, as `name type` for a message. */
export function missingColumns(found: readonly { name: unknown; type: unknown }[]): string[] {
	const types = new Map(found.map((column) => [String(column.name), String(column.type)]));
	return Object.entries(COLUMNS)
		.filter(([name, type]) => types.get(name) !== type)
		.map(([name, type]) => `${name} ${type}`);
}

/**
Creates the table and its indexes unless they exist, in one transaction under an advisory lock (see
`statements.migrate.lock`), then checks that the table is one of ours: a table of that name made by something else
must fail here, at start-up, not at the first operation.
*/
export async function migrate(client: PostgresPoolClient, table: TableName, sql: Statements): Promise<void> {
	await client.query({ text: 'BEGIN' });
	try {
		await client.query({ text: sql.migrate.lock, values: [LOCK_CLASS, lockKey(table.sql)] });
		await client.query({ text: sql.migrate.table });
		const { rows } = await client.query({ text: sql.migrate.columns, values: [table.sql] });
		const missing = missingColumns(rows as { name: unknown; type: unknown }[]);
		if (missing.length > 0) {
			throw new JournalError(
				`PostgresJournal cannot use table ${table.display}: it exists but is not an idemkey journal (it lacks ${missing.join(', ')}). Pass another { table }.`,
			);
		}
		for (const text of sql.migrate.indexes) await client.query({ text });
		await client.query({ text: 'COMMIT' });
	} catch (error) {
		// Back to a clean connection before it returns to the pool; if even that fails, the connection is destroyed.
		await client.query({ text: 'ROLLBACK' }).catch(() => {});
		throw error;
	}
}
