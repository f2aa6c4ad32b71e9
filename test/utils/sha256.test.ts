import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256Hex, sha256HexOfText, sha256HexWebCrypto } from '../../src/utils/sha256.js';

describe('sha256Hex', () => {
	it.each([
		['empty', new Uint8Array()],
		['ASCII', new TextEncoder().encode('POST /bookings\n{"a":1}')],
		['100 KB of every byte value', Uint8Array.from({ length: 100_000 }, (_, i) => i % 256)],
	])('gives the same digest on the node:crypto and WebCrypto paths (%s)', async (_what, data) => {
		const expected = createHash('sha256').update(data).digest('hex');
		expect(await sha256Hex(data)).toBe(expected);
		expect(await sha256HexWebCrypto(data)).toBe(expected);
	});

	it.each([
		['empty', ''],
		['ASCII', 'POST /bookings\n{"a":1}'],
		['non-ASCII and astral', 'PATCH /café\n{"name":"Zoë 🧘"}'],
	])('hashes the UTF-8 bytes of a text (%s)', async (_what, text) => {
		expect(await sha256HexOfText(text)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
	});
});
