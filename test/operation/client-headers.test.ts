import { describe, expect, it } from 'vitest';
import { createClient } from '../../src/index.js';
import { sendJson } from '../helpers/loopback-server.js';
import { serve } from './support.js';

// The client's headers are checked once, at createClient; each call merges its own over a copy of them.
describe("a call's headers over the client's", () => {
	it('override and remove client headers for that call only', async () => {
		const server = await serve((_req, res) => sendJson(res, 201, { ok: true }));
		const api = createClient({
			baseUrl: server.url,
			headers: { authorization: 'Bearer client', 'x-app': 'web', 'x-tenant': 't1' },
		});
		await api.post('bookings', { json: {}, headers: { 'x-app': 'cli', 'x-tenant': undefined } });
		await api.post('bookings', { json: {} });

		const [first, second] = server.received;
		expect(first?.headers.authorization).toBe('Bearer client');
		expect(first?.headers['x-app']).toBe('cli');
		expect(first?.headers['x-tenant']).toBeUndefined();
		// The next call sends the client's headers as they were: the first call changed only its own copy.
		expect(second?.headers['x-app']).toBe('web');
		expect(second?.headers['x-tenant']).toBe('t1');
	});
});
