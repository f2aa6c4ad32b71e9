/**
Canonical JSON (RFC 8785 style for the values JSON can hold): object keys sorted by code unit, no whitespace. Two bodies that differ only in key order get the same fingerprint.
*/
export function canonicalJson(value: unknown): string {
	return write(value, new Set());
}

function write(value: unknown, seen: Set<object>): string {
	if (value === null || typeof value === 'boolean') return String(value);
	if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : 'null';
	if (typeof value === 'string') return JSON.stringify(value);
	if (typeof value === 'bigint') throw new TypeError('BigInt cannot be serialised to JSON');
	if (typeof value !== 'object') return 'null';
	const json = (value as { toJSON?: () => unknown }).toJSON;
	if (typeof json === 'function') return write(json.call(value), seen);
	if (seen.has(value)) throw new TypeError('Converting circular structure to JSON');
	seen.add(value);
	try {
		if (Array.isArray(value))
			return `[${value.map((item) => (item === undefined ? 'null' : write(item, seen))).join(',')}]`;
		const entries = Object.keys(value)
			.filter((k) => {
				const v = (value as Record<string, unknown>)[k];
				return v !== undefined && typeof v !== 'function' && typeof v !== 'symbol';
			})
			.sort()
			.map((k) => `${JSON.stringify(k)}:${write((value as Record<string, unknown>)[k], seen)}`);
		return `{${entries.join(',')}}`;
	} finally {
		seen.delete(value);
	}
}
