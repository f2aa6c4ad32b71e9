import { JournalError } from '../../errors/classes.js';

/** What a failed call was doing, for its message. */
export type FailedCall = {
	/** `record the operation`, `read a record`, ... */
	readonly what: string;
	readonly table: string;
	readonly operation?: string | undefined;
	/** Whether the statement writes: a connection lost while it ran may or may not have applied it. */
	readonly writes: boolean;
	/** Whether the statement had been handed to a connection; before that, nothing can have been written. */
	readonly sent: boolean;
};

// SQLSTATE codes (https://www.postgresql.org/docs/current/errcodes-appendix.html) with what to do about them.
const BY_SQLSTATE: Readonly<Record<string, string>> = {
	'42P01': 'the table does not exist: call `await journal.migrate()` at start-up',
	'3F000': "the table's schema does not exist: create it (CREATE SCHEMA) or pass another { table }",
	'42703': 'the table lacks a column idemkey needs: it belongs to something else; pass another { table }',
	'42P10':
		'the table has no primary key on (scope, operation): it belongs to something else; pass another { table }',
	'42501':
		'permission denied: grant this role SELECT, INSERT, UPDATE and DELETE on the table (and CREATE on its schema for migrate())',
	'25006': 'the server is read-only (a standby?): connect the pool to the primary',
	'54000': 'a value is too large for the primary-key index: use shorter scopes and operation ids',
	'53100': 'the server is out of disk space: free some, then retry',
	'53300': "the server has no connection slot left: lower the pool's max or raise max_connections",
	'57P01': 'the server is shutting down or restarting: calls succeed again once it is back',
	'57P02': 'the server crashed and is restarting: calls succeed again once it is back',
	'57P03': 'the server is starting up: calls succeed again in a moment',
	'57014': 'the statement was cancelled (statement_timeout, or by an administrator)',
	'28P01': "authentication failed: check the pool's user and password",
	'28000': "the server refused this role: check the pool's user and pg_hba.conf",
	'3D000': "the database does not exist: check the pool's database",
	'40001': 'a serialization failure: retry',
	'40P01': 'a deadlock was broken by cancelling this statement: retry',
};

// Errors of the connection itself, raised by Node (code) or by pg and pg-pool (message).
const BY_NODE_CODE: Readonly<Record<string, string>> = {
	ECONNREFUSED: 'nothing listens at the server address: is PostgreSQL (or PgBouncer) running there?',
	ECONNRESET: 'the server closed the connection',
	EPIPE: 'the server closed the connection',
	ETIMEDOUT: 'the server did not answer: check the host, the port and the network',
	EHOSTUNREACH: 'the server host is unreachable: check the host and the network',
	ENETUNREACH: 'the network is unreachable: check the host and the network',
	ENOTFOUND: 'the host name does not resolve: check the host',
	EAI_AGAIN: 'the host name did not resolve (DNS): check the host and DNS',
};
/** PgBouncer's word (class 08) that the server connection died under a statement, which may have been applied. */
const LOST_UNDER_STATEMENT = /server conn crashed/i;
const BY_MESSAGE: readonly [RegExp, string][] = [
	[/timeout exceeded when trying to connect/i, "no connection within the pool's connectionTimeoutMillis"],
	[/connection terminated/i, 'the connection to the server was lost'],
	[/query read timeout/i, "no answer within the pool's query_timeout"],
	[/server login has been failing|no server connection/i, 'PgBouncer cannot reach the server'],
	[LOST_UNDER_STATEMENT, 'PgBouncer lost its connection to the server'],
];

const CONNECTION_CLASS = '08';

/** No user and password in a connection string repeated by an error message (pg does not, a proxy or wrapper might). */
const withoutCredentials = (text: string): string => text.replace(/\/\/[^/\s@]*@/g, '//***@');

const field = (error: unknown, name: string): string | undefined => {
	const value = (error as Record<string, unknown> | null | undefined)?.[name];
	return typeof value === 'string' ? value : undefined;
};

const isSqlState = (code: string | undefined): code is string =>
	code !== undefined && /^[0-9A-Z]{5}$/.test(code);

function advice(error: unknown, code: string | undefined, message: string): string | undefined {
	const known =
		(isSqlState(code) ? BY_SQLSTATE[code] : undefined) ??
		BY_MESSAGE.find(([pattern]) => pattern.test(message))?.[1];
	if (known) return known;
	if (isSqlState(code))
		return code.startsWith(CONNECTION_CLASS) ? 'the connection to the server failed' : undefined;
	if (code !== undefined && BY_NODE_CODE[code]) return BY_NODE_CODE[code];
	// AggregateError (both 127.0.0.1 and ::1 refused, say): the first cause tells.
	const first = (error as { errors?: unknown[] } | null)?.errors?.[0];
	return first === undefined ? undefined : advice(first, field(first, 'code'), field(first, 'message') ?? '');
}

/**
Whether `error` leaves the connection unusable: anything but the server's refusal of a statement (a SQLSTATE outside
the connection and shutdown classes) or the journal's own refusal of a row it read, after which the connection is as
good as before.
*/
export function connectionBroke(error: unknown): boolean {
	if (error instanceof JournalError) return false;
	const code = field(error, 'code');
	return !isSqlState(code) || code.startsWith(CONNECTION_CLASS) || code.startsWith('57P');
}

/** What the failure means for the write: said only when the journal knows. */
function written(call: FailedCall, code: string | undefined, message: string): string {
	if (!call.writes) return '';
	if (!call.sent) return ' Nothing was written.';
	// The server (or PgBouncer) refused the statement: it ran in a transaction of its own, now rolled back, or not at
	// all. Except a shutdown (57P..), which may land between the commit and its answer, or a connection lost under it.
	if (isSqlState(code) && !code.startsWith('57P') && !LOST_UNDER_STATEMENT.test(message)) {
		return ' Nothing was written.';
	}
	return ' The connection failed while the statement ran: it may or may not have been applied.';
}

/** Any failure of a call as a `JournalError` that says what failed, why, and what to do. */
export function postgresFailure(error: unknown, call: FailedCall): JournalError {
	if (error instanceof JournalError) return error;
	const code = field(error, 'code');
	const message = withoutCredentials(field(error, 'message') ?? String(error));
	const why = advice(error, code, message);
	const raw = `${code ? `${code}: ` : ''}${message}`;
	return new JournalError(
		`PostgresJournal could not ${call.what} (table ${call.table}): ${why ? `${why} (${raw})` : raw}.${written(call, code, message)}`,
		{ operation: call.operation, cause: error },
	);
}
