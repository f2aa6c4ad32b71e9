import { describe, expect, it } from 'vitest';
import { mergeClientOptions } from '../../src/client/extend.js';
import type { ClientOptions } from '../../src/index.js';
import { MemoryJournal } from '../../src/index.js';

// client.extend()'s merge, as a table: what a derived client keeps, replaces and merges.
const journal = new MemoryJournal();
const base: ClientOptions = {
	baseUrl: 'https://api.example.com/v1/',
	journal,
	scope: 'shop',
	timeout: 5_000,
	headers: new Headers({ authorization: 'Bearer a', 'x-app': 'web' }),
	searchParams: new URLSearchParams('region=eu&v=1&v=2'),
	retry: { limit: 1, baseDelay: 10 },
};

const headersOf = (options: ClientOptions) => Object.fromEntries(new Headers(options.headers as Headers));
const queryOf = (options: ClientOptions) => String(options.searchParams);

describe('mergeClientOptions', () => {
	it.each<[string, ClientOptions, (merged: ClientOptions) => void]>([
		['nothing given: the base as it was', {}, (m) => expect(m).toEqual(base)],
		[
			'a plain option replaces the base one',
			{ scope: 'tenant-1', timeout: 1_000 },
			(m) => expect([m.scope, m.timeout, m.baseUrl]).toEqual(['tenant-1', 1_000, base.baseUrl]),
		],
		[
			'undefined keeps the base one',
			{ scope: undefined, journal: undefined } as never,
			(m) => expect([m.scope, m.journal]).toEqual(['shop', journal]),
		],
		[
			'headers merge by name; undefined removes one',
			{ headers: { authorization: 'Bearer b', 'x-app': undefined, 'x-tenant': 't1' } },
			(m) => expect(headersOf(m)).toEqual({ authorization: 'Bearer b', 'x-tenant': 't1' }),
		],
		[
			'searchParams merge by name: a name given replaces all its values',
			{ searchParams: { v: ['3'], page: 1 } },
			(m) => expect(queryOf(m)).toBe('region=eu&v=3&page=1'),
		],
		[
			'retry merges field by field; an undefined field keeps the base one',
			{ retry: { limit: 4, baseDelay: undefined } as never },
			(m) => expect(m.retry).toEqual({ limit: 4, baseDelay: 10 }),
		],
	])('%s', (_, over, check) => {
		const before = { headers: headersOf(base), query: queryOf(base), retry: { ...base.retry } };
		check(mergeClientOptions(base, over));
		// The parent's options are never changed by deriving from them.
		expect({ headers: headersOf(base), query: queryOf(base), retry: { ...base.retry } }).toEqual(before);
	});
});
