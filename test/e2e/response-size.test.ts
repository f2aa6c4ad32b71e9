import { describe, expect, it } from 'vitest';
import { createClient, InvalidRequestError, MemoryJournal, OutcomeUnknownError } from '../../src/index.js';
import { fast, rejectionOf, serve } from '../operation/support.js';

/*
A server decides how much a client reads: a misrouted download, a broken proxy or a hostile server can answer a write
with a body that never ends. The client reads at most `maxResponseBytes` of it; the status still decides the outcome.
*/

describe('a response body larger than maxResponseBytes', () => {
	it('a 201 whose body never ends: applied, recorded as succeeded with no body, one request, no timeout', async () => {
		const server = await serve((_req, res) => {
			res.writeHead(201, { 'content-type': 'application/json' });
			// Chunks for as long as the client reads; it must stop reading, not wait for an end that never comes.
			const chunk = Buffer.alloc(16 * 1024, 'a');
			const more = () => {
				while (!res.destroyed && res.write(chunk)) {}
				if (!res.destroyed) res.once('drain', more);
			};
			more();
		});
		const journal = new MemoryJournal();
		// Without the bound, the attempt times out reading and the applied write reads as "may have been applied".
		const api = createClient({
			baseUrl: server.url,
			journal,
			maxResponseBytes: 64 * 1024,
			timeout: 5_000,
			retry: { ...fast, limit: 0 },
		});
		const res = await api.post('bookings', { json: { classId: 'c7' }, operation: 'book' });
		expect(res.status).toBe(201);
		expect(res.data).toBeUndefined();
		expect(server.received).toHaveLength(1);
		expect(await journal.get('default', 'book')).toMatchObject({
			state: 'succeeded',
			outcome: { status: 201 },
		});
	});

	it('a 503 that declares a huge body is still a 503: retried under the same key, then unknown', async () => {
		const server = await serve((_req, res) => {
			res.writeHead(503, { 'content-length': String(1 << 30) });
			res.write('x'.repeat(1024));
		});
		const api = createClient({ baseUrl: server.url, maxResponseBytes: 1_000, retry: { ...fast, limit: 2 } });
		const error = await rejectionOf(api.post('bookings', { json: {}, operation: 'busy' }));
		expect(error).toBeInstanceOf(OutcomeUnknownError);
		expect((error as OutcomeUnknownError).reason).toBe('server_error');
		expect((error as OutcomeUnknownError).status).toBe(503);
		expect(server.received).toHaveLength(3);
		expect(new Set(server.received.map((r) => r.headers['idempotency-key'])).size).toBe(1);
	});

	it('a gzip body whose declared (compressed) length is small but whose decoded size passes the cap is not read', async () => {
		const { gzipSync } = await import('node:zlib');
		// 4 MB of JSON squeezes into a few KB: the content-length says nothing of what fetch would decode.
		const packed = gzipSync(JSON.stringify({ pad: 'p'.repeat(4 << 20) }));
		const server = await serve((_req, res) => {
			res.writeHead(201, {
				'content-type': 'application/json',
				'content-encoding': 'gzip',
				'content-length': String(packed.length),
			});
			res.end(packed);
		});
		const api = createClient({
			baseUrl: server.url,
			maxResponseBytes: 64 * 1024,
			retry: { ...fast, limit: 0 },
		});
		const res = await api.post('bookings', { json: {}, operation: 'zipped' });
		expect(packed.length).toBeLessThan(64 * 1024);
		expect(res.status).toBe(201);
		expect(res.data).toBeUndefined();
	});

	it('a body with a content-length within the cap is read whole', async () => {
		const body = JSON.stringify({ id: 'b1' });
		const server = await serve((_req, res) => {
			res.writeHead(201, { 'content-type': 'application/json', 'content-length': String(body.length) });
			res.end(body);
		});
		const api = createClient({ baseUrl: server.url, maxResponseBytes: body.length });
		expect((await api.post('bookings', { json: {}, operation: 'small' })).data).toEqual({ id: 'b1' });
	});

	it('a body of exactly maxResponseBytes is read whole', async () => {
		const body = JSON.stringify({ id: 'b1', pad: 'p'.repeat(100) });
		const server = await serve((_req, res) => {
			res.writeHead(201, { 'content-type': 'application/json' });
			// Two writes without a content-length: the bound is counted over chunks, not read off a header.
			res.write(body.slice(0, 10));
			res.end(body.slice(10));
		});
		const api = createClient({ baseUrl: server.url, maxResponseBytes: body.length });
		const res = await api.post('bookings', { json: {} });
		expect(res.data).toEqual(JSON.parse(body));
	});

	it.each([
		{ how: 'counted over chunks', declared: false },
		{ how: 'declared in content-length', declared: true },
	])('a body one byte past maxResponseBytes, $how, is not read', async ({ declared }) => {
		const body = JSON.stringify({ id: 'b1', pad: 'p'.repeat(100) });
		const server = await serve((_req, res) => {
			const length = declared ? { 'content-length': String(body.length) } : {};
			res.writeHead(201, { 'content-type': 'application/json', ...length });
			res.write(body.slice(0, 10));
			res.end(body.slice(10));
		});
		const api = createClient({ baseUrl: server.url, maxResponseBytes: body.length - 1 });
		const res = await api.post('bookings', { json: {} });
		expect(res.status).toBe(201);
		expect(res.data).toBeUndefined();
	});

	it.each([-1, 1.5, Number.NaN, '1000'])(
		'maxResponseBytes %s is refused by createClient, naming it',
		(value) => {
			expect(() => createClient({ maxResponseBytes: value as number })).toThrow(InvalidRequestError);
			expect(() => createClient({ maxResponseBytes: value as number })).toThrow(/maxResponseBytes/);
		},
	);
});
