import { describe, expect, it } from 'vitest';
import * as browserBuild from '../../src/keys/canonical-json.browser.js';
import * as nodeBuild from '../../src/keys/canonical-json.js';

/** mulberry32: a small seeded PRNG, so a failing case can be rerun from its seed. */
function prng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

// Keys chosen to sort differently by UTF-16 code unit than by code point ('😀' is \ud83d\ude00, below '\uffff'),
// than numerically ('10' before '9'; Object.keys lists integer-like keys first, in numeric order), and than by
// locale ('Z' before 'a', 'é' after 'z'); plus '' and names JSON.stringify must escape.
const KEYS = [
	'a',
	'b',
	'Z',
	'z',
	'é',
	'\uffff',
	'😀',
	'\ue000',
	'',
	'9',
	'10',
	'1',
	'a"b',
	'line\n',
	'__proto__',
	'toJSON_',
	'ключ',
];
const STRINGS = [
	'',
	'x',
	'Zoë 日本 😀',
	'quote " and \\',
	'tab\tnew\nline\r',
	'\u0000\u001f\u007f',
	'\ud800',
	'a\udc00b',
	'\u2028',
];
const NUMBERS = [
	0,
	-0,
	1,
	-1,
	1.5,
	0.1 + 0.2,
	1e21,
	1e-7,
	-1e300,
	2 ** 53,
	Number.NaN,
	Number.POSITIVE_INFINITY,
];

function generate(random: () => number, depth: number): unknown {
	const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
	const kind = Math.floor(random() * (depth > 4 ? 8 : 16));
	switch (kind) {
		case 0:
			return null;
		case 1:
			return random() < 0.5;
		case 2:
		case 3:
			return pick(NUMBERS);
		case 4:
		case 5:
			return pick(STRINGS);
		case 6:
			return pick([undefined, () => 1, Symbol('s')]);
		case 7:
			return pick([
				Object(pick(STRINGS)),
				Object(pick(NUMBERS)),
				Object(random() < 0.5),
				new Date(1_700_000_000_000),
			]);
		case 8:
		case 9: {
			const length = Math.floor(random() * 5);
			const array: unknown[] = new Array(length);
			// Some slots left as holes: a sparse array.
			for (let i = 0; i < length; i++) if (random() < 0.8) array[i] = generate(random, depth + 1);
			return array;
		}
		case 10:
		case 11:
		case 12: {
			// Keys inserted in random order, so the writer sees both sorted and unsorted key lists.
			const object: Record<string, unknown> = random() < 0.2 ? Object.create(null) : {};
			// Mostly a handful of keys; sometimes more than the writer sorts by insertion.
			const count = Math.floor(random() * (random() < 0.15 ? 30 : 6));
			for (let i = 0; i < count; i++)
				Object.defineProperty(object, pick(KEYS), {
					value: generate(random, depth + 1),
					enumerable: true,
					writable: true,
					configurable: true,
				});
			return object;
		}
		case 13: {
			// A toJSON that depends on the name it is called with (member name or index), or gives nothing.
			const inner = generate(random, depth + 1);
			const mode = Math.floor(random() * 3);
			return {
				ignored: 1,
				toJSON: (key: string) => (mode === 0 ? `${key}!` : mode === 1 ? { key, inner } : undefined),
			};
		}
		case 14:
			return new Map([['a', 1]]);
		default: {
			// A chain deeper than the writer's unchecked depth, ending in a value.
			let chain: unknown = generate(random, 5);
			for (let i = 0, n = 20 + Math.floor(random() * 40); i < n; i++)
				chain = random() < 0.5 ? [chain] : { [pick(KEYS)]: chain, z: i };
			return chain;
		}
	}
}

/**
The reference: JSON.stringify does the JSON semantics (toJSON, unboxing, dropping, sparse arrays, number and string
forms); its output is parsed into null-prototype objects and written again with the sorted list of every key as
JSON.stringify's property list, which fixes the key order at every level. A key-sorted copy alone cannot be the
reference: an object lists integer-like keys first, whatever order they were inserted in.
*/
function reference(value: unknown): string | undefined {
	const text = JSON.stringify(value);
	if (text === undefined) return undefined;
	const keys = new Set<string>();
	const plain = JSON.parse(text, (_key, item: unknown) => {
		if (typeof item !== 'object' || item === null || Array.isArray(item)) return item;
		const copy = Object.create(null) as Record<string, unknown>;
		for (const [k, v] of Object.entries(item)) {
			keys.add(k);
			copy[k] = v;
		}
		return copy;
	});
	const byCodeUnit = [...keys].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
	return JSON.stringify(plain, byCodeUnit);
}

// Both builds' writers (see canonical-json.browser.ts) against the one reference.
describe.each([
	{ build: 'Node', ...nodeBuild },
	{ build: 'browser', ...browserBuild },
])('canonicalJson against a reference ($build build)', ({ canonicalJson, canonicalJsonOrUndefined }) => {
	it.each([1, 2, 3, 4, 5, 6, 7, 8])(
		'writes what the reference writes for 500 generated values (seed %i)',
		(seed) => {
			const random = prng(seed);
			for (let n = 0; n < 500; n++) {
				const value = generate(random, 0);
				const expected = reference(value);
				const actual = canonicalJsonOrUndefined(value);
				if (actual !== expected) {
					// The failing value, for the rerun: the message names the seed and the index.
					expect({ seed, n, actual }).toEqual({ seed, n, actual: expected });
				}
			}
		},
	);

	it('sorts integer-like keys as strings, by code unit', () => {
		const value = { 9: 'nine', 10: 'ten', a: { '\uffff': 1, '😀': 2 } };
		expect(canonicalJson(value)).toBe('{"10":"ten","9":"nine","a":{"😀":2,"\uffff":1}}');
		expect(canonicalJson(value)).toBe(reference(value));
	});

	it('throws on a boxed BigInt as JSON.stringify does, rather than writing {}', () => {
		expect(() => JSON.stringify(Object(1n))).toThrow(TypeError);
		expect(() => canonicalJson({ n: Object(1n) })).toThrow(TypeError);
	});

	it('throws on a cycle that starts deeper than any real body nests, and accepts a deep chain without one', () => {
		let chain: Record<string, unknown> = { end: true };
		const bottom = chain;
		for (let i = 0; i < 200; i++) chain = { next: chain };
		expect(canonicalJson(chain)).toBe(JSON.stringify(chain));
		bottom.loop = chain;
		expect(() => JSON.stringify(chain)).toThrow(TypeError);
		expect(() => canonicalJson(chain)).toThrow(/circular/i);
		const cyclicArray: unknown[] = [];
		let deepArray: unknown[] = cyclicArray;
		for (let i = 0; i < 100; i++) deepArray = [deepArray];
		cyclicArray.push(deepArray);
		expect(() => canonicalJson(deepArray)).toThrow(/circular/i);
	});
});
