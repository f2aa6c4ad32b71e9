import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../../src/errors/classes.js';
import { tableName } from '../../../src/journal/postgres/table-name.js';

describe('the table option', () => {
	it.each([
		[undefined, '"idemkey_journal"', '"idemkey_journal_unfinished"'],
		['idemkey_journal', '"idemkey_journal"', '"idemkey_journal_unfinished"'],
		['billing.journal', '"billing"."journal"', '"journal_unfinished"'],
		['_t2', '"_t2"', '"_t2_unfinished"'],
		// Reserved words are fine: every name is quoted.
		['select.user', '"select"."user"', '"user_unfinished"'],
		['t'.repeat(52), `"${'t'.repeat(52)}"`, `"${'t'.repeat(52)}_unfinished"`],
	])('takes %j as %s, its index named %s', (value, sql, index) => {
		const name = tableName(value);
		expect(name.sql).toBe(sql);
		expect(name.index('unfinished')).toBe(index);
		expect(name.display).toBe(value ?? 'idemkey_journal');
	});

	it.each([
		['', 'empty'],
		['Journal', 'uppercase: means another table quoted than unquoted'],
		['idemkey-journal', 'a dash'],
		['a.b.c', 'three parts'],
		['.journal', 'an empty schema'],
		['journal.', 'an empty name'],
		['1journal', 'a leading digit'],
		['journal"; DROP TABLE users; --', 'SQL'],
		['jour nal', 'a space'],
		['t'.repeat(53), 'an index name past 63 bytes'],
		[`${'s'.repeat(64)}.t`, 'a schema past 63 bytes'],
		['журнал', 'non-ASCII letters'],
		[42, 'a number'],
		[null, 'null'],
	])('refuses %j (%s) with an InvalidRequestError naming the option and the rule', (value, _why) => {
		const refuse = () => tableName(value);
		expect(refuse).toThrow(InvalidRequestError);
		expect(refuse).toThrow(/option "table" must be a table name.*lowercase letters, digits and _/);
		try {
			refuse();
		} catch (error) {
			expect((error as InvalidRequestError).field).toBe('table');
		}
	});
});
