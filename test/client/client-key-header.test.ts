import { describe, expect, it } from 'vitest';
import { createClient } from '../../src/index.js';
import { sendJson } from '../helpers/loopback-server.js';
import { refusalOf, serve } from '../operation/support.js';

describe("the dialect's key header among the client's headers", () => {
	it.each([
		['ietf', { 'Idempotency-Key': 'fixed' }],
		['ietf', [['idempotency-key', 'fixed']] as [string, string][]],
		['stripe', new Headers({ 'Idempotency-Key': 'fixed' })],
	] as const)(
		'%s: refused by createClient (field headers), since every write would share the key',
		(dialect, headers) => {
			const error = refusalOf(() =>
				createClient({ baseUrl: 'https://api.example.com/v1/', dialect, headers }),
			);
			expect(error.field).toBe('headers');
			expect(error.message).not.toContain('fixed');
		},
	);

	it('per call it is still the explicit key of that one call', async () => {
		const server = await serve((_req, res) => sendJson(res, 201, { ok: true }));
		const api = createClient({ baseUrl: server.url });
		const res = await api.post('bookings', { json: {}, headers: { 'Idempotency-Key': 'k-call' } });
		expect(res.key).toBe('k-call');
		expect(server.received[0]?.headers['idempotency-key']).toBe('k-call');
	});
});
