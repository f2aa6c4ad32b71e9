import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import {
	createClient,
	InvalidRequestError,
	RequestRejectedError,
	ResponseValidationError,
} from '../../src/index.js';
import { type LoopbackServer, sendJson, startServer } from '../helpers/loopback-server.js';

let server: LoopbackServer | undefined;
afterEach(async () => {
	await server?.close();
	server = undefined;
});

describe('createClient options', () => {
	it.each([
		[{ timeout: -1 }, 'timeout'],
		[{ timeout: Number.NaN }, 'timeout'],
		[{ scope: '' }, 'scope'],
		[{ journal: { get() {} } }, 'journal'],
		[{ retry: { limit: -1 } }, 'retry.limit'],
		[{ retry: { maxRetryTime: Number.POSITIVE_INFINITY } }, 'retry.maxRetryTime'],
		[{ dialect: 'soap' }, 'soap'],
	])('rejects %j with an InvalidRequestError naming %s', (options, named) => {
		const attempt = () => createClient(options as never);
		expect(attempt).toThrow(InvalidRequestError);
		expect(attempt).toThrow(named);
	});
});

describe('request building', () => {
	it('resolves paths under the baseUrl path, with or without a leading slash, and adds search params', async () => {
		server = await startServer((_req, res) => sendJson(res, 200, {}));
		const api = createClient({ baseUrl: `${server.url}v1/` });
		await api.get('/bookings', { searchParams: { page: 2 } });
		await api.get('bookings/7');
		expect(server.received.map((r) => r.url)).toEqual(['/v1/bookings?page=2', '/v1/bookings/7']);
	});

	it('sends client and call headers, the call winning', async () => {
		server = await startServer((_req, res) => sendJson(res, 200, {}));
		const api = createClient({ baseUrl: server.url, headers: { authorization: 'Bearer a', 'x-app': 'one' } });
		await api.post('x', { json: {}, headers: { 'x-app': 'two' } });
		expect(server.received[0]?.headers.authorization).toBe('Bearer a');
		expect(server.received[0]?.headers['x-app']).toBe('two');
		expect(server.received[0]?.headers['content-type']).toBe('application/json');
	});

	it('treats an Idempotency-Key header set by the caller as the explicit key', async () => {
		server = await startServer((_req, res) => sendJson(res, 200, {}));
		const api = createClient({ baseUrl: server.url });
		const res = await api.post('x', { json: {}, headers: { 'Idempotency-Key': 'caller-key-1' } });
		expect(server.received[0]?.headers['idempotency-key']).toBe('caller-key-1');
		expect(res.key).toBe('caller-key-1');
		expect(res.operation).toBe('key:caller-key-1');
		expect((await api.journal.get(api.scope, 'key:caller-key-1'))?.key).toBe('caller-key-1');
	});

	it('refuses an invalid URL before sending', async () => {
		let fetched = 0;
		const api = createClient({
			fetch: async () => {
				fetched++;
				return new Response('{}', { status: 200 });
			},
		});
		const error = await api.post('not a url', { json: {} }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(InvalidRequestError);
		expect((error as InvalidRequestError).field).toBe('url');
		expect(fetched).toBe(0);
		expect(await api.journal.listUnfinished(api.scope)).toEqual([]);
	});
});

describe('responses', () => {
	const Booking = z.object({ id: z.string(), seats: z.number() });

	it('types and validates data with a Standard Schema', async () => {
		server = await startServer((_req, res) => sendJson(res, 201, { id: 'b1', seats: 2, extra: true }));
		const api = createClient({ baseUrl: server.url });
		const res = await api.post('bookings', { json: {}, schema: Booking });
		const seats: number = res.data.seats;
		expect(seats).toBe(2);
		expect(res.data).toEqual({ id: 'b1', seats: 2 });
	});

	it('raises ResponseValidationError when a 2xx body does not match the schema', async () => {
		server = await startServer((_req, res) => sendJson(res, 201, { id: 5 }));
		const api = createClient({ baseUrl: server.url });
		const error = await api
			.post('bookings', { json: {}, schema: Booking, operation: 'op-schema' })
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(ResponseValidationError);
		expect((error as ResponseValidationError).status).toBe(201);
		expect((error as ResponseValidationError).body).toEqual({ id: 5 });
		expect((error as ResponseValidationError).operation).toBe('op-schema');
		expect((error as ResponseValidationError).key).toBe(server.received[0]?.headers['idempotency-key']);
		expect((error as ResponseValidationError).issues.length).toBeGreaterThan(0);
		// The request was applied: the journal says so, and a re-run does not send it again.
		expect((await api.journal.get(api.scope, 'op-schema'))?.state).toBe('succeeded');
		const again = await api
			.post('bookings', { json: {}, schema: Booking, operation: 'op-schema' })
			.catch((e: unknown) => e);
		expect(again).toBeInstanceOf(ResponseValidationError);
		expect(server.received).toHaveLength(1);
	});

	it('keeps a non-JSON error body as text on RequestRejectedError', async () => {
		server = await startServer((_req, res) => {
			res.writeHead(403, { 'content-type': 'application/json' });
			res.end('<html>Forbidden</html>');
		});
		const api = createClient({ baseUrl: server.url });
		const error = await api.post('bookings', { json: {} }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(RequestRejectedError);
		expect((error as RequestRejectedError).status).toBe(403);
		expect((error as RequestRejectedError).body).toBe('<html>Forbidden</html>');
		expect(server.received).toHaveLength(1);
	});

	it('parses problem+json bodies on rejections', async () => {
		server = await startServer((_req, res) => {
			res.writeHead(422, { 'content-type': 'application/problem+json' });
			res.end(JSON.stringify({ type: 'https://example.com/probs/out-of-seats', title: 'No seats left' }));
		});
		const api = createClient({ baseUrl: server.url });
		const error = (await api.post('bookings', { json: {} }).catch((e: unknown) => e)) as RequestRejectedError;
		expect(error).toBeInstanceOf(RequestRejectedError);
		expect(error.status).toBe(422);
		expect(error.body).toEqual({ type: 'https://example.com/probs/out-of-seats', title: 'No seats left' });
		expect(error.errorCode).toBe('out_of_seats');
	});

	it('result objects are frozen', async () => {
		server = await startServer((_req, res) => sendJson(res, 200, { a: 1 }));
		const api = createClient({ baseUrl: server.url });
		const res = await api.post('x', { json: {} });
		expect(Object.isFrozen(res)).toBe(true);
		expect(() => {
			(res as { status: number }).status = 500;
		}).toThrow(TypeError);
		expect(res.status).toBe(200);
	});
});
