import { describe, expect, it } from 'vitest';
import { count } from '../../src/utils/plural.js';

describe('count', () => {
	it.each([
		[0, 'attempt', undefined, '0 attempts'],
		[1, 'attempt', undefined, '1 attempt'],
		[2, 'attempt', undefined, '2 attempts'],
		[1, 'try', 'tries', '1 try'],
		[3, 'try', 'tries', '3 tries'],
	])('%i %s', (n, noun, plural, expected) => {
		expect(count(n, noun, plural)).toBe(expected);
	});
});
