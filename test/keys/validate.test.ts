import { describe, expect, it } from 'vitest';
import { dialects } from '../../src/dialects/catalog.js';
import { InvalidRequestError } from '../../src/errors/classes.js';
import { assertValidKey } from '../../src/keys/validate.js';

const all = Object.values(dialects);

const failure = (key: unknown, dialect = dialects.ietf) => {
	if (!dialect) throw new Error('missing dialect');
	try {
		assertValidKey(key, dialect, 'op-1');
	} catch (error) {
		return error;
	}
	throw new Error(`accepted ${JSON.stringify(key)}`);
};

describe('assertValidKey', () => {
	it('knows every dialect caps keys at 255 characters', () => {
		expect(all.map((d) => [d.name, d.keyMaxLength])).toEqual(all.map((d) => [d.name, 255]));
	});

	describe.each(all.map((dialect) => ({ name: dialect.name, dialect })))('$name', ({ dialect }) => {
		it.each([
			{ what: 'a UUID', key: '0b6a4bb2-9f3c-4b8e-9a51-7f7a1c0b2d55' },
			{ what: 'one character', key: 'k' },
			{ what: 'exactly 255 characters', key: 'k'.repeat(255) },
			{ what: 'token punctuation', key: 'book:u42:c7_v1.2~x-y' },
			{ what: 'a base64url value', key: 'AbC-_dE12' },
		])('accepts $what', ({ key }) => {
			expect(() => assertValidKey(key, dialect)).not.toThrow();
		});

		it.each([
			{ what: 'a 256-character key', key: 'k'.repeat(256), message: /256 characters.*limit is 255/ },
			{ what: 'an empty key', key: '', message: /empty/ },
			{ what: 'a space inside', key: 'my key', message: /without spaces, quotes/ },
			{ what: 'a leading space', key: ' key', message: /without spaces, quotes/ },
			{ what: 'a trailing newline', key: 'key\n', message: /without spaces, quotes/ },
			{ what: 'a tab', key: 'a\tb', message: /without spaces, quotes/ },
			{ what: 'double quotes', key: '"key"', message: /without spaces, quotes/ },
			{ what: 'a comma', key: 'a,b', message: /without spaces, quotes/ },
			{ what: 'a semicolon', key: 'a;b', message: /without spaces, quotes/ },
			{ what: 'a backslash', key: 'a\\b', message: /without spaces, quotes/ },
			{ what: 'a NUL', key: 'a\u0000b', message: /without spaces, quotes/ },
			{ what: 'non-ASCII letters', key: 'clé', message: /without spaces, quotes/ },
			{ what: 'an emoji', key: 'key-😀', message: /without spaces, quotes/ },
			{ what: 'a number', key: 42, message: /expected a string, got number/ },
			{ what: 'null', key: null, message: /expected a string, got null/ },
			{ what: 'undefined', key: undefined, message: /expected a string, got undefined/ },
			{ what: 'an object', key: { key: 'k' }, message: /expected a string, got object/ },
			{ what: 'a boxed string', key: Object('k'), message: /expected a string, got object/ },
		])('refuses $what with InvalidRequestError on field key', ({ key, message }) => {
			const error = failure(key, dialect);
			expect(error).toBeInstanceOf(InvalidRequestError);
			expect(error).toMatchObject({ code: 'invalid_request', field: 'key', operation: 'op-1' });
			expect((error as Error).message).toMatch(message);
			expect((error as Error).message).toContain(dialect.name);
		});
	});
});
