import { describe, expect, it } from 'vitest';
import { fromBase64, toBase64 } from '../../src/utils/base64.js';

describe('toBase64 / fromBase64', () => {
	it.each([
		{ what: 'empty', text: '', base64: '' },
		{ what: 'one byte (two pad characters)', text: 'f', base64: 'Zg==' },
		{ what: 'two bytes (one pad character)', text: 'fo', base64: 'Zm8=' },
		{ what: 'three bytes (no padding)', text: 'foo', base64: 'Zm9v' },
		{ what: 'a JSON body', text: '{"serial":1}', base64: 'eyJzZXJpYWwiOjF9' },
	])('encodes $what as RFC 4648 base64 and decodes it back', ({ text, base64 }) => {
		const bytes = new TextEncoder().encode(text);
		expect(toBase64(bytes)).toBe(base64);
		expect(fromBase64(base64)).toEqual(bytes);
	});

	it('round-trips every byte value, including non-UTF-8 bytes', () => {
		const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
		expect(toBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
		expect(fromBase64(toBase64(bytes))).toEqual(bytes);
	});

	it('encodes a body far larger than one chunk, across chunk boundaries, without overflowing the stack', () => {
		const bytes = Uint8Array.from({ length: 2_000_003 }, (_, i) => (i * 7 + (i >> 8)) % 256);
		const encoded = toBase64(bytes);
		expect(encoded).toBe(Buffer.from(bytes).toString('base64'));
		expect(fromBase64(encoded)).toEqual(bytes);
	});
});
