/*
The browser build's canonical-json.ts (see scripts/browser-variants.ts): the same canonical JSON, byte for byte, written
for size rather than for a server's hot path. The Node build's writer skips sorting sorted keys, sorts small objects by
insertion and checks for cycles only past a depth, which matters at thousands of calls a second, not on a page; the
tests run the same tables against both.
*/

/** Canonical JSON (see canonical-json.ts): object keys sorted by code unit, no whitespace. */
export const canonicalJson = (value: unknown): string => canonicalJsonOrUndefined(value) ?? 'null';

/** Canonical JSON, or `undefined` where `JSON.stringify` gives `undefined`; throws like it (cycles, BigInt). */
export const canonicalJsonOrUndefined = (value: unknown): string | undefined => write(value, '', []);

// JSON.stringify's SerializeJSONProperty: `toJSON` (on objects and BigInts), boxed primitives unboxed, `undefined`
// for what JSON cannot hold; `ancestors` are the objects on this path, for cycles.
function write(input: unknown, key: string, ancestors: object[]): string | undefined {
	let value = input;
	const toJSON = (Object(value) as { toJSON?: unknown }).toJSON;
	if ((typeof value === 'object' || typeof value === 'bigint') && typeof toJSON === 'function') {
		value = toJSON.call(value, key);
	}
	if (value instanceof Number) value = Number(value);
	else if (value instanceof String) value = String(value);
	else if (value instanceof Boolean || value instanceof BigInt) value = value.valueOf();
	if (typeof value === 'bigint') throw new TypeError('BigInt cannot be serialised to JSON');
	// A primitive (or null) is written as JSON.stringify writes it: non-finite numbers as null, strings escaped.
	if (typeof value !== 'object' || value === null) return JSON.stringify(value);
	if (ancestors.includes(value)) throw new TypeError('Converting circular structure to JSON');
	ancestors.push(value);
	try {
		// By index, as JSON.stringify reads an array: map() would skip the holes of a sparse one.
		if (Array.isArray(value)) {
			const items = Array.from(
				{ length: value.length },
				(_, i) => write(value[i], `${i}`, ancestors) ?? 'null',
			);
			return `[${items}]`;
		}
		const members = Object.keys(value)
			.sort()
			.flatMap((k) => {
				const member = write((value as Record<string, unknown>)[k], k, ancestors);
				return member === undefined ? [] : [`${JSON.stringify(k)}:${member}`];
			});
		return `{${members}}`;
	} finally {
		ancestors.pop();
	}
}
