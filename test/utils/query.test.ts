import { describe, expect, it } from 'vitest';
import { queryPairs, withQuery } from '../../src/utils/query.js';

describe('the client query', () => {
	it('reads a record in order, an array value repeating its parameter, every value as text', () => {
		expect(queryPairs({ api_key: 'k', scope: ['a', 'b'], page: 2, live: true })).toEqual([
			['api_key', 'k'],
			['scope', 'a'],
			['scope', 'b'],
			['page', '2'],
			['live', 'true'],
		]);
	});

	it('copies URLSearchParams, so a later change to the option is not sent', () => {
		const params = new URLSearchParams({ api_key: 'old' });
		const pairs = queryPairs(params);
		params.set('api_key', 'changed');
		expect(pairs).toEqual([['api_key', 'old']]);
	});

	it("appends after the call's own parameters, and leaves a URL alone when there are none", () => {
		const pairs = queryPairs({ api_key: 'k&v' });
		expect(withQuery('https://api.example.com/v1/x?page=2', pairs)).toBe(
			'https://api.example.com/v1/x?page=2&api_key=k%26v',
		);
		expect(withQuery('https://api.example.com/v1/x', pairs)).toBe(
			'https://api.example.com/v1/x?api_key=k%26v',
		);
		const url = 'https://api.example.com/v1/x?q=a b';
		expect(withQuery(url, queryPairs(undefined))).toBe(url);
	});
});
