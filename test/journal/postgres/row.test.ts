import { describe, expect, it } from 'vitest';
import { JournalError } from '../../../src/errors/classes.js';
import { columnId, rowValues, storedRecord } from '../../../src/journal/postgres/row.js';
import { recordMaker } from '../../../src/testing/conformance/records.js';

describe('columnId (a scope or operation id as its key column holds it)', () => {
	it.each([
		['book:u42:c7', 'book:u42:c7'],
		['ünïcödé 🚀 "quoted" \\', 'ünïcödé 🚀 "quoted" \\'],
		['50%off', '50%25off'],
		['a\u0000b', 'a%00b'],
		['lone \ud800 high', 'lone %ud800 high'],
		['lone \udc00 low', 'lone %udc00 low'],
		['pair \ud83d\ude80 kept', 'pair \ud83d\ude80 kept'],
		['\udc00\ud800', '%udc00%ud800'],
	])('stores %j as %j', (id, column) => {
		expect(columnId(id)).toBe(column);
	});

	it('keeps ids apart that PostgreSQL text or the driver would merge', () => {
		// NUL is refused by text columns; lone surrogates become U+FFFD on the wire; each escape must not meet its own text.
		const ids = ['a\u0000', 'a%00', 'a%2500', 'a\ud800', 'a\ud801', 'a\ufffd', 'a%ud800', 'a%', 'a%25', 'a'];
		const columns = ids.map(columnId);
		expect(new Set(columns).size).toBe(ids.length);
		for (const column of columns) {
			expect(column.includes('\u0000')).toBe(false);
			// Well-formed UTF-16: no surrogate left without its pair.
			expect(encodeURIComponent(column)).toBeTypeOf('string');
		}
	});
});

describe('storedRecord (a row read back)', () => {
	const record = recordMaker()('tenant-1', 'op-1');

	it('is the record the row holds, written by rowValues', () => {
		const text = rowValues(record)[6];
		expect(storedRecord(text, 'idemkey_journal', 'tenant-1', 'op-1')).toEqual(record);
	});

	it.each([
		['{"v":2}', /not a usable idemkey record \(v: expected format version 1/],
		['"a string"', /record: expected an object/],
		['not json', /not JSON/],
		[JSON.stringify({ ...record, operation: 'op-2' }), /belongs to scope "tenant-1", operation "op-2"/],
		[JSON.stringify({ ...record, scope: 'tenant-2' }), /belongs to scope "tenant-2"/],
	])('refuses %s with a JournalError naming the row and what to do', (text, why) => {
		const read = () => storedRecord(text, 'billing.journal', 'tenant-1', 'op-1');
		expect(read).toThrow(JournalError);
		expect(read).toThrow(why);
		expect(read).toThrow(/the row of scope "tenant-1", operation "op-1" in table billing.journal/);
		expect(read).toThrow(/Restore or delete that row; nothing was changed/);
	});
});
