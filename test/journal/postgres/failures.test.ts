import { describe, expect, it } from 'vitest';
import { JournalError } from '../../../src/errors/classes.js';
import { type FailedCall, postgresFailure } from '../../../src/journal/postgres/failures.js';

const write: FailedCall = {
	what: 'record the attempt',
	table: 'idemkey_journal',
	operation: 'op-1',
	writes: true,
	sent: true,
};
const read: FailedCall = { ...write, what: 'read a record', writes: false };

/** A server error as pg raises it: the SQLSTATE in `code`. */
const sqlError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('postgresFailure (a failed call as the JournalError the caller reads)', () => {
	it.each([
		[
			sqlError('42P01', 'relation "idemkey_journal" does not exist'),
			/call `await journal.migrate\(\)` at start-up/,
		],
		[sqlError('3F000', 'schema "billing" does not exist'), /create it \(CREATE SCHEMA\)/],
		[
			sqlError('42703', 'column "revision" does not exist'),
			/belongs to something else; pass another \{ table \}/,
		],
		[
			sqlError('42501', 'permission denied for table idemkey_journal'),
			/grant this role SELECT, INSERT, UPDATE and DELETE/,
		],
		[
			sqlError('25006', 'cannot execute UPDATE in a read-only transaction'),
			/read-only \(a standby\?\): connect the pool to the primary/,
		],
		[sqlError('57P01', 'terminating connection due to administrator command'), /shutting down or restarting/],
		[sqlError('57P03', 'the database system is starting up'), /starting up/],
		[
			sqlError('08P01', 'server login has been failing, try again later (server_login_retry)'),
			/PgBouncer cannot reach the server/,
		],
		[sqlError('08006', 'connection failure'), /the connection to the server failed/],
		[sqlError('53300', 'sorry, too many clients already'), /no connection slot left/],
		[
			Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
			/is PostgreSQL \(or PgBouncer\) running there\?/,
		],
		[new Error('timeout exceeded when trying to connect'), /connectionTimeoutMillis/],
		[new Error('Connection terminated unexpectedly'), /connection to the server was lost/],
		[new Error('Query read timeout'), /query_timeout/],
		[
			new AggregateError(
				[Object.assign(new Error('connect ECONNREFUSED ::1:5432'), { code: 'ECONNREFUSED' })],
				'',
			),
			/is PostgreSQL \(or PgBouncer\) running there\?/,
		],
	])('%s: says what to do', (error, advice) => {
		const failure = postgresFailure(error, read);
		expect(failure).toBeInstanceOf(JournalError);
		expect(failure.message).toMatch(/^PostgresJournal could not read a record \(table idemkey_journal\): /);
		expect(failure.message).toMatch(advice);
		expect(failure.cause).toBe(error);
		expect(failure.operation).toBe('op-1');
	});

	it('keeps the message of an error it has no advice for', () => {
		const failure = postgresFailure(sqlError('XX000', 'something odd'), read);
		expect(failure.message).toBe(
			'PostgresJournal could not read a record (table idemkey_journal): XX000: something odd.',
		);
	});

	it.each([
		[
			'a connection never had',
			{ ...write, sent: false },
			new Error('timeout exceeded when trying to connect'),
			'Nothing was written.',
		],
		['a statement the server refused', write, sqlError('42501', 'permission denied'), 'Nothing was written.'],
		[
			'a connection lost mid-statement',
			write,
			new Error('Connection terminated unexpectedly'),
			'may or may not have been applied',
		],
		[
			'a server shut down mid-statement',
			write,
			sqlError('57P01', 'terminating connection'),
			'may or may not have been applied',
		],
		[
			'a statement PgBouncer could not hand to a server',
			write,
			sqlError('08P01', 'server login has been failing, try again later (server_login_retry)'),
			'Nothing was written.',
		],
		[
			'a statement under which PgBouncer lost the server',
			write,
			sqlError('08P01', 'server conn crashed?'),
			'may or may not have been applied',
		],
		['a read', read, new Error('Connection terminated unexpectedly'), undefined],
	])('says whether %s was written', (_, call, error, said) => {
		const { message } = postgresFailure(error, call);
		if (said) expect(message).toContain(said);
		else expect(message).not.toMatch(/written|applied/);
	});

	it('never repeats the credentials of a connection string', () => {
		const error = new Error('could not parse postgres://app:s3cret@db.internal:5432/main');
		const { message } = postgresFailure(error, read);
		expect(message).not.toContain('s3cret');
		expect(message).toContain('postgres://***@db.internal:5432/main');
	});

	it('passes a JournalError through as it is', () => {
		const own = new JournalError('already said');
		expect(postgresFailure(own, write)).toBe(own);
	});
});
