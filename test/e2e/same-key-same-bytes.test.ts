import { afterEach, describe, expect, it } from 'vitest';
import { createClient, MemoryJournal } from '../../src/index.js';
import { type LoopbackServer, sendJson, startServer } from '../helpers/loopback-server.js';

let server: LoopbackServer | undefined;
afterEach(async () => {
	await server?.close();
	server = undefined;
});

const fast = { baseDelay: 1, maxDelay: 5, maxRetryTime: 10_000 };

describe('every attempt of an operation sends the same key and the same bytes', () => {
	it('keeps key and body identical across dropped connections and 5xx answers', async () => {
		server = await startServer((req, res, index) => {
			if (index === 0) return void res.socket?.destroy();
			if (index === 1) return sendJson(res, 503, { error: 'busy' });
			if (index === 2) return void res.socket?.destroy();
			sendJson(res, 201, { id: 'b1', echo: JSON.parse(req.body.toString()) });
		});
		const api = createClient({
			baseUrl: server.url,
			dialect: 'bardge',
			journal: new MemoryJournal(),
			retry: fast,
		});
		const res = await api.post('bookings/class', {
			json: { z: 1, classId: 'c7', clientId: 'u42', nested: { b: 2, a: 1 } },
			operation: 'book:u42:c7',
		});

		expect(res.status).toBe(201);
		expect(res.attempts).toBe(4);
		expect(server.received).toHaveLength(4);
		const first = server.received[0];
		expect(first?.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
		for (const attempt of server.received) {
			expect(attempt.headers['idempotency-key']).toBe(first?.headers['idempotency-key']);
			expect(attempt.body.equals(first?.body ?? Buffer.alloc(0))).toBe(true);
		}
		// Key order as the caller wrote it: servers that fingerprint raw bytes must see the same bytes.
		expect(first?.body.toString()).toBe('{"z":1,"classId":"c7","clientId":"u42","nested":{"b":2,"a":1}}');
		expect(res.key).toBe(first?.headers['idempotency-key']);
	});
});
