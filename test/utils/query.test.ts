import { describe, expect, it } from 'vitest';
import { withQuery } from '../../src/utils/query.js';

describe('the client query joining a request as it leaves', () => {
	it("comes after the call's own parameters, encoded", () => {
		const pairs = [['api_key', 'k&v'] as const, ['tag', 'a'] as const, ['tag', 'b'] as const];
		expect(withQuery('https://api.example.com/v1/x?page=2', pairs)).toBe(
			'https://api.example.com/v1/x?page=2&api_key=k%26v&tag=a&tag=b',
		);
		expect(withQuery('https://api.example.com/v1/x', pairs)).toBe(
			'https://api.example.com/v1/x?api_key=k%26v&tag=a&tag=b',
		);
	});

	it('leaves the URL exactly as it is when the client has none', () => {
		const url = 'https://api.example.com/v1/x?q=a%20b';
		expect(withQuery(url, [])).toBe(url);
	});
});
