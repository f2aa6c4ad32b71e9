import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/keys/fingerprint.js';

const sha256 = (text: string | Uint8Array) => createHash('sha256').update(text).digest('hex');
const bytes = (text: string) => new TextEncoder().encode(text);

describe('fingerprint', () => {
	it('is the SHA-256 hex of "METHOD path\\n" and the canonical body', async () => {
		const got = await fingerprint({ method: 'post', path: '/v1/charges?x=1', json: { b: 2, a: 1 } });
		expect(got).toMatch(/^[0-9a-f]{64}$/);
		expect(got).toBe(sha256('POST /v1/charges?x=1\n{"a":1,"b":2}'));
	});

	it('is the same for JSON bodies that differ only in key order', async () => {
		const a = await fingerprint({ method: 'POST', path: '/b', json: { x: 1, y: { q: [1, 2], p: 'z' } } });
		const b = await fingerprint({ method: 'POST', path: '/b', json: { y: { p: 'z', q: [1, 2] }, x: 1 } });
		expect(a).toBe(b);
	});

	it('ignores the case of the method', async () => {
		expect(await fingerprint({ method: 'patch', path: '/a', json: 1 })).toBe(
			await fingerprint({ method: 'PATCH', path: '/a', json: 1 }),
		);
	});

	const base = { method: 'POST', path: '/bookings', json: { classId: 'c7', clientId: 'u42' } as unknown };
	it.each([
		{ what: 'method', other: { ...base, method: 'PUT' } },
		{ what: 'path', other: { ...base, path: '/bookings/2' } },
		{ what: 'query', other: { ...base, path: '/bookings?dry=1' } },
		{ what: 'a body value', other: { ...base, json: { classId: 'c8', clientId: 'u42' } } },
		{ what: 'a body value type', other: { ...base, json: { classId: 'c7', clientId: 42 } } },
		{ what: 'an extra body field', other: { ...base, json: { classId: 'c7', clientId: 'u42', x: null } } },
		{ what: 'array order', other: { ...base, json: ['c7', 'u42'] } },
		{ what: 'no body', other: { method: 'POST', path: '/bookings' } },
		{ what: 'a null body', other: { ...base, json: null } },
	])('differs by $what', async ({ other }) => {
		expect(await fingerprint(other)).not.toBe(await fingerprint(base));
	});

	it('fingerprints raw bytes as they are, so byte differences count', async () => {
		const compact = await fingerprint({ method: 'POST', path: '/raw', bytes: bytes('{"a":1,"b":2}') });
		const spaced = await fingerprint({ method: 'POST', path: '/raw', bytes: bytes('{"a": 1, "b": 2}') });
		const reordered = await fingerprint({ method: 'POST', path: '/raw', bytes: bytes('{"b":2,"a":1}') });
		expect(compact).toBe(sha256(bytes('POST /raw\n{"a":1,"b":2}')));
		expect(new Set([compact, spaced, reordered]).size).toBe(3);
	});

	it('handles binary (non-UTF-8) bytes', async () => {
		const body = new Uint8Array([0, 255, 128, 10]);
		const expected = sha256(Buffer.concat([Buffer.from('PUT /blob\n'), Buffer.from(body)]));
		expect(await fingerprint({ method: 'PUT', path: '/blob', bytes: body })).toBe(expected);
	});

	it('tells a JSON null body from no body', async () => {
		const none = await fingerprint({ method: 'POST', path: '/x' });
		const jsonNull = await fingerprint({ method: 'POST', path: '/x', json: null });
		expect(jsonNull).not.toBe(none);
		expect(jsonNull).toBe(sha256('POST /x\nnull'));
	});

	it('treats a missing body and empty bytes alike', async () => {
		const none = await fingerprint({ method: 'DELETE', path: '/x' });
		expect(none).toBe(await fingerprint({ method: 'DELETE', path: '/x', bytes: new Uint8Array() }));
		expect(none).toBe(sha256('DELETE /x\n'));
	});

	it('is stable across calls', async () => {
		const input = { method: 'POST', path: '/a', json: { n: 1, d: new Date(0) } };
		expect(await fingerprint(input)).toBe(await fingerprint(input));
	});
});
