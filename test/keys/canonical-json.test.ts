import { describe, expect, it } from 'vitest';
import * as browserBuild from '../../src/keys/canonical-json.browser.js';
import * as nodeBuild from '../../src/keys/canonical-json.js';

/** An array with holes at the missing indexes (a literal with holes trips the linter). */
const sparse = (length: number, items: Record<number, unknown>): unknown[] => {
	const array: unknown[] = new Array(length);
	for (const [index, item] of Object.entries(items)) array[Number(index)] = item;
	return array;
};

// The browser build's writer (written for size) and the Node build's (written for speed) must write the same bytes.
describe.each([
	{ build: 'Node', canonicalJson: nodeBuild.canonicalJson },
	{ build: 'browser', canonicalJson: browserBuild.canonicalJson },
])('canonicalJson ($build build)', ({ canonicalJson }) => {
	it.each([
		{ what: 'null', value: null, json: 'null' },
		{ what: 'booleans', value: [true, false], json: '[true,false]' },
		{ what: 'integers and floats', value: [0, -1, 1.5, 1e21, -0], json: '[0,-1,1.5,1e+21,0]' },
		{
			what: 'non-finite numbers as null',
			value: [Number.NaN, Number.POSITIVE_INFINITY],
			json: '[null,null]',
		},
		{ what: 'a string with escapes', value: 'a"b\\c\n', json: '"a\\"b\\\\c\\n"' },
		{ what: 'an empty object and array', value: { a: {}, b: [] }, json: '{"a":{},"b":[]}' },
		{ what: 'sorted object keys, no whitespace', value: { b: 1, a: 2, c: 3 }, json: '{"a":2,"b":1,"c":3}' },
		{
			what: 'nested objects sorted at every level',
			value: { z: { y: 1, x: [{ b: 1, a: 2 }] }, a: null },
			json: '{"a":null,"z":{"x":[{"a":2,"b":1}],"y":1}}',
		},
		{ what: 'array order kept', value: [3, 1, 2], json: '[3,1,2]' },
		{ what: 'undefined object members dropped', value: { a: undefined, b: 1 }, json: '{"b":1}' },
		{
			what: 'function and symbol members dropped',
			value: { f: () => 1, s: Symbol('s'), b: 1 },
			json: '{"b":1}',
		},
		{ what: 'undefined array items as null', value: [undefined, () => 1, 1], json: '[null,null,1]' },
		{ what: 'holes in sparse arrays as null', value: sparse(3, { 0: 1, 2: 3 }), json: '[1,null,3]' },
		{ what: 'an empty sparse array', value: new Array(2), json: '[null,null]' },
		{ what: 'a Date via toJSON', value: { at: new Date(0) }, json: '{"at":"1970-01-01T00:00:00.000Z"}' },
		{
			what: 'a member whose toJSON gives undefined dropped',
			value: { a: { toJSON: () => undefined }, b: [{ toJSON: () => undefined }] },
			json: '{"b":[null]}',
		},
		{
			what: 'a custom toJSON',
			value: { v: { toJSON: () => ({ b: 2, a: 1 }) } },
			json: '{"v":{"a":1,"b":2}}',
		},
		{
			what: 'toJSON called with its member name or array index, as JSON.stringify calls it',
			value: {
				k: { toJSON: (key: string) => `at ${key}` },
				list: [{ toJSON: (key: string) => `at ${key}` }],
			},
			json: '{"k":"at k","list":["at 0"]}',
		},
		{
			what: 'a top-level toJSON called with the empty key',
			value: { toJSON: (key: string) => `[${key}]` },
			json: '"[]"',
		},
		{
			what: 'a toJSON that returns its own object',
			value: {
				a: 1,
				toJSON() {
					return this;
				},
			},
			json: '{"a":1}',
		},
		{
			what: 'boxed primitives as their values',
			value: [Object('s'), Object(2), Object(false)],
			json: '["s",2,false]',
		},
		{ what: 'unicode kept as is', value: { name: 'Zoë 日本 😀' }, json: '{"name":"Zoë 日本 😀"}' },
		{ what: 'a lone surrogate escaped', value: '\ud800', json: '"\\ud800"' },
		{
			what: 'keys sorted by UTF-16 code unit',
			value: { é: 1, z: 2, Z: 3, '\uffff': 4, '😀': 5, '': 6 },
			json: '{"":6,"Z":3,"z":2,"é":1,"😀":5,"\uffff":4}',
		},
	])('writes $what', ({ value, json }) => {
		expect(canonicalJson(value)).toBe(json);
	});

	it('gives the same text whatever the key insertion order', () => {
		const a = { amount: 100, currency: 'eur', meta: { b: [1, { y: 2, x: 1 }], a: 'x' } };
		const b = { meta: { a: 'x', b: [1, { x: 1, y: 2 }] }, currency: 'eur', amount: 100 };
		expect(canonicalJson(a)).toBe(canonicalJson(b));
	});

	it('gives different text for different values', () => {
		expect(canonicalJson({ a: 1 })).not.toBe(canonicalJson({ a: '1' }));
		expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
		expect(canonicalJson({ a: null })).not.toBe(canonicalJson({}));
	});

	it.each([
		{ what: 'plain nesting', value: { b: [1, { d: 'x', c: null }], a: true } },
		{ what: 'dropped members', value: { a: undefined, b: [undefined, 2] } },
		{ what: 'dates', value: { when: new Date(1_700_000_000_000) } },
		{ what: 'sparse arrays', value: sparse(2, { 1: 1 }) },
		{ what: 'boxed primitives', value: { s: Object('x'), n: Object(1) } },
		{ what: 'unicode', value: { ключ: 'значение', emoji: '🎉' } },
	])('is valid JSON describing the same value as JSON.stringify for $what', ({ value }) => {
		const text = canonicalJson(value);
		expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
		expect(canonicalJson(JSON.parse(JSON.stringify(value)))).toBe(text);
	});

	it('throws a TypeError on a circular structure', () => {
		const loop: Record<string, unknown> = { a: 1 };
		loop.self = loop;
		expect(() => canonicalJson(loop)).toThrow(TypeError);
		const deep: unknown[] = [];
		deep.push({ list: deep });
		expect(() => canonicalJson(deep)).toThrow(/circular/i);
	});

	it('accepts the same object twice when it is not a cycle', () => {
		const shared = { b: 1, a: 2 };
		expect(canonicalJson({ x: shared, y: [shared, shared] })).toBe(
			'{"x":{"a":2,"b":1},"y":[{"a":2,"b":1},{"a":2,"b":1}]}',
		);
	});

	it('throws a TypeError on a BigInt, as JSON.stringify does', () => {
		expect(() => canonicalJson({ n: 10n })).toThrow(TypeError);
	});
});
