import { describe, expect, it } from 'vitest';
import { dialects } from '../../src/dialects/catalog.js';
import { deriveKey, mintKey, mintOperationId } from '../../src/keys/mint.js';
import { assertValidKey } from '../../src/keys/validate.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const UUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('mintKey', () => {
	it('mints a v4 UUID', () => {
		expect(mintKey()).toMatch(UUID_V4);
	});

	it('mints 1000 distinct keys', () => {
		const keys = Array.from({ length: 1000 }, mintKey);
		expect(new Set(keys).size).toBe(1000);
		for (const key of keys) expect(key).toMatch(UUID_V4);
	});

	it('mints keys every dialect accepts', () => {
		const key = mintKey();
		for (const dialect of Object.values(dialects)) expect(() => assertValidKey(key, dialect)).not.toThrow();
	});
});

describe('mintOperationId', () => {
	// 1,000 ids span several refills of the random pool and many ids per millisecond.
	it('mints distinct v7 UUIDs that sort by creation', () => {
		const ids = Array.from({ length: 1000 }, mintOperationId);
		for (const id of ids) expect(id).toMatch(UUID_V7);
		expect(new Set(ids).size).toBe(1000);
		expect([...ids].sort()).toEqual(ids);
	});

	it('fills every id with fresh random bits, not a reused slice of the pool', () => {
		// The last 48 bits of a v7 id are random: time and counter alone would make the ids distinct.
		const tails = Array.from({ length: 1000 }, () => mintOperationId().slice(-12));
		expect(new Set(tails).size).toBe(1000);
	});
});

describe('deriveKey', () => {
	it('derives the same v5 UUID from the same name and scope', () => {
		const key = deriveKey('book:u42:c7', 'reseller-123');
		expect(key).toMatch(UUID_V5);
		expect(deriveKey('book:u42:c7', 'reseller-123')).toBe(key);
	});

	it('keeps derived keys stable across releases', () => {
		// A changed namespace or separator would silently change every derived key in the field.
		expect(deriveKey('book:u42:c7')).toBe(deriveKey('book:u42:c7', ''));
		expect(deriveKey('book:u42:c7', 'reseller-123')).toBe('69588cab-aaa5-586a-ac87-76107afe2856');
	});

	it.each([
		{ what: 'another name', a: ['book:u42:c7', 's'], b: ['book:u42:c8', 's'] },
		{ what: 'another scope', a: ['book:u42:c7', 'tenant-a'], b: ['book:u42:c7', 'tenant-b'] },
		{ what: 'a scope against no scope', a: ['book:u42:c7', 'tenant-a'], b: ['book:u42:c7', ''] },
		{ what: 'scope and name swapped', a: ['x', 'y'], b: ['y', 'x'] },
		{ what: 'a boundary moved between scope and name', a: ['bc', 'a'], b: ['c', 'ab'] },
		{ what: 'case', a: ['Book', 's'], b: ['book', 's'] },
	])('derives a different key for $what', ({ a, b }) => {
		expect(deriveKey(a[0] ?? '', a[1])).not.toBe(deriveKey(b[0] ?? '', b[1]));
	});

	it('derives keys every dialect accepts', () => {
		const key = deriveKey('any name with spaces and ünïcode', 'scope');
		for (const dialect of Object.values(dialects)) expect(() => assertValidKey(key, dialect)).not.toThrow();
	});
});
