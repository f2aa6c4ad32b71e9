import { v7 } from 'uuid';
import { afterEach, describe, expect, it, vi } from 'vitest';
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

describe('minting from the CSPRNG', () => {
	afterEach(() => {
		vi.restoreAllMocks();
	});

	/** The module afresh (an empty random pool, no last millisecond), drawing `byte(i)` as its i-th random byte. */
	async function mintWith(byte: (i: number) => number) {
		vi.spyOn(crypto, 'getRandomValues').mockImplementation(
			<T extends ArrayBufferView | null>(array: T): T => {
				const bytes = array as unknown as Uint8Array;
				for (let i = 0; i < bytes.length; i++) bytes[i] = byte(i);
				return array;
			},
		);
		// Browsers lack it on insecure (http) origins: minting must not need it.
		vi.spyOn(crypto, 'randomUUID').mockImplementation(() => {
			throw new TypeError('crypto.randomUUID is not available on insecure origins');
		});
		vi.resetModules();
		return import('../../src/keys/mint.js');
	}

	it.each([
		[0x00, '00000000-0000-4000-8000-000000000000'],
		[0xff, 'ffffffff-ffff-4fff-bfff-ffffffffffff'],
	])('sets the v4 version and variant bits over random bytes 0x%s, keeping the rest', async (byte, key) => {
		const { mintKey } = await mintWith(() => byte);
		expect(mintKey()).toBe(key);
	});

	it('takes fresh random bytes for every key', async () => {
		const { mintKey } = await mintWith((i) => i & 0xff);
		expect(mintKey()).toBe('00010203-0405-4607-8809-0a0b0c0d0e0f');
		expect(mintKey()).toBe('10111213-1415-4617-9819-1a1b1c1d1e1f');
	});

	it.each([
		[0x00, ['01234567-89ab-7000-8000-000000000000', '01234567-89ab-7000-8000-040000000000']],
		// The counter starts at its highest random value and carries into the version nibble's neighbour.
		[0xff, ['01234567-89ab-77ff-bfff-ffffffffffff', '01234567-89ab-7800-8000-03ffffffffff']],
	])('lays out v7 ids as time, counter, random bits (random bytes 0x%s)', async (byte, ids) => {
		vi.spyOn(Date, 'now').mockReturnValue(0x0123456789ab);
		const { mintOperationId } = await mintWith(() => byte);
		expect([mintOperationId(), mintOperationId()]).toEqual(ids);
	});

	it('mints the v7 id uuid would from the same time and random bytes, so ids sort with older ones', async () => {
		const random = (i: number) => (i * 37 + 11) & 0xff;
		vi.spyOn(Date, 'now').mockReturnValue(1_700_000_000_123);
		const { mintOperationId } = await mintWith(random);
		const first = Uint8Array.from({ length: 16 }, (_, i) => random(i));
		expect(mintOperationId()).toBe(v7({ random: first, msecs: 1_700_000_000_123 }));
	});

	it('keeps ids in creation order when the clock steps back', async () => {
		const now = vi.spyOn(Date, 'now').mockReturnValue(1_700_000_002_000);
		const { mintOperationId } = await mintWith(() => 0xff);
		const first = mintOperationId();
		now.mockReturnValue(1_700_000_001_000);
		const second = mintOperationId();
		expect(second > first).toBe(true);
		expect(second.slice(0, 13)).toBe(first.slice(0, 13));
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
