import { JournalError } from '../../errors/classes.js';
import { type JournalRecord, recordProblem } from '../record.js';

// `%` itself, NUL, and UTF-16 surrogates that are not part of a pair.
const UNSTORABLE = /[%\0]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const escaped = (char: string): string => {
	if (char === '%') return '%25';
	if (char === '\0') return '%00';
	return `%u${char.charCodeAt(0).toString(16)}`;
};

/**
A scope or operation id as its key column holds it. Postgres text cannot hold NUL, and the driver turns a lone
surrogate into U+FFFD (so two ids would share one row): those, and `%` so that the mapping stays one-to-one, are
%-escaped. Any other id is stored as it is, readable in psql. The columns are only compared, never read back: the
record keeps the ids as they were.
*/
export const columnId = (id: string): string => id.replace(UNSTORABLE, escaped);

/** The column values of a record, in the order the statements number them ($1 ...). */
export const rowValues = (record: JournalRecord): unknown[] => [
	columnId(record.scope),
	columnId(record.operation),
	record.revision,
	record.state,
	record.createdAt,
	record.retainUntil,
	// Kept as written (`json`, not `jsonb`): jsonb refuses the \u0000 and lone-surrogate escapes an id or body may hold.
	JSON.stringify(record),
];

/** Where a row lies, for messages: ids cut short, since they are the caller's and may be long. */
export const rowName = (table: string, scope: string, operation: string | undefined): string => {
	const shown = (id: string) => JSON.stringify(id.length > 80 ? `${id.slice(0, 80)}...` : id);
	return `the row of scope ${shown(scope)}${operation === undefined ? '' : `, operation ${shown(operation)}`} in table ${table}`;
};

/**
A row's record, checked to be one of `scope` (and `operation`, when given). Anything else (a record edited by hand,
another program's data, a future format) fails the call that read it, naming the row; the row is left as it is.
*/
export function storedRecord(
	text: unknown,
	table: string,
	scope: string,
	operation: string | undefined,
): JournalRecord {
	let value: unknown;
	let why: string | undefined;
	try {
		value = typeof text === 'string' ? JSON.parse(text) : text;
		why = recordProblem(value, operation === undefined ? { scope } : { scope, operation });
	} catch (error) {
		why = `not JSON: ${(error as Error).message}`;
	}
	if (why === undefined) return value as JournalRecord;
	const ownOperation = operation ?? (value as { operation?: unknown } | null)?.operation;
	throw new JournalError(
		`PostgresJournal cannot use ${rowName(table, scope, typeof ownOperation === 'string' ? ownOperation : undefined)}: it is not a usable idemkey record (${why}). Restore or delete that row; nothing was changed.`,
		{ operation: typeof ownOperation === 'string' ? ownOperation : undefined },
	);
}
