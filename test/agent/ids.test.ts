import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type Identity, importSecret, plainLabel, toolIds } from '../../src/agent/ids.js';

const call: Identity = { kind: 'call', material: 'call_1', label: 'call_1' };
const UUID_V8 = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The documented derivation, computed independently: the first 16 bytes of the digest, as a UUIDv8. */
function expectedKey(digest: Buffer): string {
	const b = Buffer.from(digest.subarray(0, 16));
	b[6] = ((b[6] ?? 0) & 0x0f) | 0x80;
	b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
	const hex = b.toString('hex');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
const material = ['idemkey/agent/v1', 'default', 'book', 'call', 'call_1'].join('\u0000');

describe('toolIds', () => {
	it('derives the key as documented: SHA-256 of domain, scope, tool, rule and material, as a UUIDv8', async () => {
		const ids = await toolIds('default', 'book', call, undefined);
		expect(ids.key).toMatch(UUID_V8);
		expect(ids).toEqual({
			key: expectedKey(createHash('sha256').update(material).digest()),
			operation: 'tool:book:call:call_1',
		});
	});

	it('with a secret, derives it with HMAC-SHA-256', async () => {
		const secret = 'a secret of 16+ bytes';
		const ids = await toolIds('default', 'book', call, await importSecret(secret));
		expect(ids.key).toBe(expectedKey(createHmac('sha256', secret).update(material).digest()));
	});

	it.each([
		['another scope', 'tenant-2', 'book', call],
		['another tool', 'default', 'cancel', call],
		['another rule', 'default', 'book', { ...call, kind: 'key' as const }],
		['another call', 'default', 'book', { ...call, material: 'call_2' }],
	])('%s gives another key', async (_, scope, tool, identity) => {
		const base = await toolIds('default', 'book', call, undefined);
		expect((await toolIds(scope, tool, identity, undefined)).key).not.toBe(base.key);
	});

	it('with a secret, the key is an HMAC: not computable from the ids alone, and different per secret', async () => {
		const plain = await toolIds('default', 'book', call, undefined);
		const a = await toolIds('default', 'book', call, await importSecret('a secret of 16+ bytes'));
		const b = await toolIds(
			'default',
			'book',
			call,
			await importSecret(new TextEncoder().encode('another secret, 16+')),
		);
		expect(a.key).toMatch(UUID_V8);
		expect(new Set([plain.key, a.key, b.key]).size).toBe(3);
		expect(a).toEqual(await toolIds('default', 'book', call, await importSecret('a secret of 16+ bytes')));
	});

	it('never gives two actions one operation id, whatever the tool name holds', async () => {
		const a = await toolIds('default', 'a:call', { kind: 'key', material: 'x', label: 'x' }, undefined);
		const b = await toolIds('default', 'a', { kind: 'call', material: 'key:x', label: 'key:x' }, undefined);
		expect(a.operation).not.toBe(b.operation);
		expect(a.operation).toBe(`tool:a:call:key:${a.key}`);
	});

	it('names the operation by its label when plain, else by its key', async () => {
		const ids = await toolIds(
			'default',
			'book',
			{ kind: 'intent', material: 'run\u0000{}', label: undefined },
			undefined,
		);
		expect(ids.operation).toBe(`tool:book:intent:${ids.key}`);
		expect(plainLabel('call_AbC-1.2:x')).toBe('call_AbC-1.2:x');
		expect(plainLabel('has space')).toBeUndefined();
		expect(plainLabel('x'.repeat(161))).toBeUndefined();
	});
});
