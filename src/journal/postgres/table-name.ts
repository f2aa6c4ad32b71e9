import { InvalidRequestError } from '../../errors/classes.js';

export const DEFAULT_TABLE = 'idemkey_journal';

/** Postgres truncates identifiers past 63 bytes; the longest suffix of an index name is `_unfinished`. */
const MAX_NAME_LENGTH = 63 - '_unfinished'.length;
const MAX_SCHEMA_LENGTH = 63;

// Only names that mean the same quoted and unquoted: what the option says is what a DBA types in psql.
const PART = /^[a-z_][a-z0-9_]*$/;

export type TableName = {
	/** As the caller wrote it, for messages. */
	readonly display: string;
	/** Quoted for SQL: `"schema"."name"` or `"name"`. */
	readonly sql: string;
	/** The quoted, unqualified name of one of the table's indexes (created in the table's schema). */
	readonly index: (suffix: 'unfinished' | 'due') => string;
};

const quote = (part: string) => `"${part}"`;

/** The `table` option as SQL, or an `InvalidRequestError` that says what a valid name looks like: before any SQL. */
export function tableName(value: unknown): TableName {
	if (value === undefined) return tableName(DEFAULT_TABLE);
	const parts = typeof value === 'string' ? value.split('.') : [];
	const name = parts.at(-1) ?? '';
	const schema = parts.length === 2 ? parts[0] : undefined;
	const fits =
		(parts.length === 1 || parts.length === 2) &&
		parts.every((part) => PART.test(part)) &&
		name.length <= MAX_NAME_LENGTH &&
		(schema?.length ?? 0) <= MAX_SCHEMA_LENGTH;
	if (!fits) {
		const shown = typeof value === 'string' ? JSON.stringify(value.slice(0, 80)) : typeof value;
		throw new InvalidRequestError(
			`PostgresJournal option "table" must be a table name, optionally schema-qualified ('idemkey_journal', 'billing.idemkey_journal'): lowercase letters, digits and _, starting with a letter or _, the name at most ${MAX_NAME_LENGTH} characters; got ${shown}.`,
			{ field: 'table' },
		);
	}
	return {
		display: value as string,
		sql: parts.map(quote).join('.'),
		index: (suffix) => quote(`${name}_${suffix}`),
	};
}
