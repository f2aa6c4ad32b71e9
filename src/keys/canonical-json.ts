/**
Canonical JSON (RFC 8785 style for the values JSON can hold): object keys sorted by code unit, no whitespace. Two bodies that differ only in key order get the same fingerprint.
*/
export function canonicalJson(value: unknown): string {
	return canonicalJsonOrUndefined(value) ?? 'null';
}

/**
Canonical JSON, or `undefined` where `JSON.stringify` gives `undefined` (a function, a symbol, a `toJSON` returning nothing): a request body must refuse those rather than send `null`. Throws like `JSON.stringify` (cycles, BigInt).
*/
export function canonicalJsonOrUndefined(value: unknown): string | undefined {
	return write(value, '', 0, undefined);
}

// This runs on every call (it writes the wire bytes), so it is written for speed: strings built by concatenation,
// not arrays and join; keys sorted only when they are not already; and no per-object bookkeeping for cycles near
// the top. A cycle nests without end, so it always gets past UNCHECKED_DEPTH; from there each object is checked
// against its ancestors deeper than that depth, and a cycle that passes that depth repeats within them, so it is
// caught there and throws as JSON.stringify does. Real bodies rarely nest past a dozen levels. The browser build
// writes the same bytes with a plainer writer (canonical-json.browser.ts): a page sends a few bodies, not thousands.
const UNCHECKED_DEPTH = 32;

// Objects with at most this many keys, when not sorted already, are sorted by insertion (see writeContainer).
const SMALL_OBJECT = 12;

// What JSON.stringify would escape in a string: `"`, `\`, control characters, and surrogates (a lone one is written
// as \udXXX; a string with a well-formed pair just takes the slower path). Others are written as they are.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what must be escaped.
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

const quote = (text: string): string => (NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`);

// Mirrors JSON.stringify's SerializeJSONProperty: `toJSON` once per slot (called with the member name or index),
// boxed primitives unboxed, and `undefined` for values JSON cannot hold (dropped from objects, `null` in arrays).
// `deep` holds the ancestors below UNCHECKED_DEPTH on this path (see above).
function write(
	input: unknown,
	key: string,
	depth: number,
	deep: Set<object> | undefined,
): string | undefined {
	// Primitives first: most slots hold one, and JSON.stringify never looks up `toJSON` on them.
	switch (typeof input) {
		case 'string':
			return quote(input);
		case 'number':
			// ToString of a finite number is what JSON.stringify writes (and -0 is "0").
			return Number.isFinite(input) ? `${input}` : 'null';
		case 'boolean':
			return input ? 'true' : 'false';
		case 'undefined':
		case 'function':
		case 'symbol':
			return undefined;
	}
	if (input === null) return 'null';
	let value: unknown = input;
	const toJSON = (value as { toJSON?: unknown }).toJSON;
	if (typeof toJSON === 'function') value = toJSON.call(value, key);
	// Boxed primitives are read as JSON.stringify reads them (a Number or String through its own valueOf/toString).
	if (value instanceof Number) value = Number(value);
	else if (value instanceof String) value = String(value);
	else if (value instanceof Boolean || value instanceof BigInt) value = value.valueOf();
	if (typeof value !== 'object' || value === null) return writePrimitive(value);
	if (depth < UNCHECKED_DEPTH) return writeContainer(value, depth, deep);
	const ancestors = deep ?? new Set<object>();
	if (ancestors.has(value)) throw new TypeError('Converting circular structure to JSON');
	ancestors.add(value);
	try {
		return writeContainer(value, depth, ancestors);
	} finally {
		ancestors.delete(value);
	}
}

/** A value after `toJSON` and unboxing that is not an object: BigInt throws, as JSON.stringify does. */
function writePrimitive(value: unknown): string | undefined {
	if (value === null) return 'null';
	if (typeof value === 'bigint') throw new TypeError('BigInt cannot be serialised to JSON');
	return write(value, '', 0, undefined);
}

function writeContainer(value: object, depth: number, deep: Set<object> | undefined): string {
	const inner = depth + 1;
	if (Array.isArray(value)) {
		// An index loop, not map(): map skips the holes of a sparse array and would write `[1,,3]`.
		if (value.length === 0) return '[]';
		let out = `[${write(value[0], '0', inner, deep) ?? 'null'}`;
		for (let i = 1; i < value.length; i++) out += `,${write(value[i], String(i), inner, deep) ?? 'null'}`;
		return `${out}]`;
	}
	const keys = Object.keys(value);
	// Bodies built in a fixed order (or parsed from canonical JSON) often list their keys sorted already: a check
	// in one pass is cheaper than sort(). Otherwise the keys before the first one out of order are sorted, and for
	// the handful of keys most objects have an insertion sort from there costs less than sort()'s set-up (a quarter
	// of the time on a typical body). `>` and sort() both compare by UTF-16 code unit.
	for (let i = 1; i < keys.length; i++) {
		if ((keys[i - 1] as string) > (keys[i] as string)) {
			if (keys.length > SMALL_OBJECT) keys.sort();
			else insertionSort(keys, i);
			break;
		}
	}
	let out = '';
	for (const k of keys) {
		const member = write((value as Record<string, unknown>)[k], k, inner, deep);
		if (member !== undefined) out += `${out === '' ? '' : ','}${quote(k)}:${member}`;
	}
	return `{${out}}`;
}

/** Sorts `keys` in place, given that `keys[0..from)` is sorted already. */
function insertionSort(keys: string[], from: number): void {
	for (let i = from; i < keys.length; i++) {
		const k = keys[i] as string;
		let j = i - 1;
		while (j >= 0 && (keys[j] as string) > k) {
			keys[j + 1] = keys[j] as string;
			j--;
		}
		keys[j + 1] = k;
	}
}
