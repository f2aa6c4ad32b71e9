import { describe, expect, it } from 'vitest';
import { fitsInBytes } from '../../src/utils/read-capped.js';

describe('fitsInBytes: the cap on a body a record keeps, in UTF-8 bytes', () => {
	it('counts bytes, not characters: a body exactly at the cap is kept, one byte over is not', () => {
		// 'é' is 2 bytes, '€' 3, '😀' 4 (two UTF-16 units): 12 bytes in 7 units, too close for the cheap bound to decide.
		const text = 'aé€😀aa';
		expect(fitsInBytes(text, 12)).toBe(true);
		expect(fitsInBytes(text, 11)).toBe(false);
	});

	it('takes plain ASCII at its length', () => {
		expect(fitsInBytes('x'.repeat(64), 64)).toBe(true);
		expect(fitsInBytes('x'.repeat(65), 64)).toBe(false);
		expect(fitsInBytes('', 0)).toBe(true);
	});
});
