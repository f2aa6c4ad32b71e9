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
	return write(value, new Set(), '');
}

// Mirrors JSON.stringify's SerializeJSONProperty: `toJSON` once per slot, boxed primitives unboxed, and
// `undefined` for values JSON cannot hold (dropped from objects, `null` in arrays).
function write(input: unknown, seen: Set<object>, key: string): string | undefined {
	let value = input;
	if ((typeof value === 'object' && value !== null) || typeof value === 'bigint') {
		const toJSON = (value as { toJSON?: unknown }).toJSON;
		if (typeof toJSON === 'function') value = toJSON.call(value, key);
	}
	if (value instanceof Number) value = Number(value);
	else if (value instanceof String) value = String(value);
	else if (value instanceof Boolean) value = value.valueOf();
	if (value === null || typeof value === 'boolean') return String(value);
	if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : 'null';
	if (typeof value === 'string') return JSON.stringify(value);
	if (typeof value === 'bigint') throw new TypeError('BigInt cannot be serialised to JSON');
	if (typeof value !== 'object') return undefined;
	if (seen.has(value)) throw new TypeError('Converting circular structure to JSON');
	seen.add(value);
	try {
		if (Array.isArray(value)) {
			// An index loop, not map(): map skips the holes of a sparse array and would write `[1,,3]`.
			const items: string[] = [];
			for (let i = 0; i < value.length; i++) items.push(write(value[i], seen, String(i)) ?? 'null');
			return `[${items.join(',')}]`;
		}
		const entries: string[] = [];
		for (const k of Object.keys(value).sort()) {
			const member = write((value as Record<string, unknown>)[k], seen, k);
			if (member !== undefined) entries.push(`${JSON.stringify(k)}:${member}`);
		}
		return `{${entries.join(',')}}`;
	} finally {
		seen.delete(value);
	}
}
