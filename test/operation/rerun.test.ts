import { describe, expect, it } from 'vitest';
import {
	createClient,
	KeyMissingError,
	KeyReuseError,
	MemoryJournal,
	RequestRejectedError,
} from '../../src/index.js';
import { sendJson } from '../helpers/loopback-server.js';
import { fast, rejectionOf, serve } from './support.js';

const booking = { classId: 'c7', clientId: 'u42' };

describe('re-running a succeeded operation', () => {
	it('returns the journaled result without sending a request', async () => {
		const server = await serve((_req, res) =>
			sendJson(res, 201, { id: 'b1', seats: 2 }, { 'x-request-id': 'r-1' }),
		);
		const api = createClient({ baseUrl: server.url, dialect: 'bardge', retry: fast });
		const first = await api.post('bookings/class', { json: booking, operation: 'book:u42:c7' });
		expect(first).toMatchObject({ fromJournal: false, attempts: 1, replayed: false, status: 201 });

		const again = await api.post('bookings/class', { json: booking, operation: 'book:u42:c7' });
		expect(server.received).toHaveLength(1);
		expect(again.replayed).toBe(true);
		expect(again.fromJournal).toBe(true);
		expect(again.attempts).toBe(0);
		expect(again.status).toBe(201);
		expect(again.data).toEqual({ id: 'b1', seats: 2 });
		expect(again.key).toBe(first.key);
		expect(again.key).toBe(server.received[0]?.headers['idempotency-key']);
		expect(again.operation).toBe('book:u42:c7');
		expect(again.headers.get('x-request-id')).toBe('r-1');
	});

	it('answers from the journal for another client sharing it (a restarted process)', async () => {
		const server = await serve((_req, res) => sendJson(res, 201, { id: 'b1' }));
		const journal = new MemoryJournal();
		const before = createClient({ baseUrl: server.url, journal, retry: fast });
		const first = await before.post('bookings/class', { json: booking, operation: 'op-restart' });
		const after = createClient({ baseUrl: server.url, journal, retry: fast });
		const again = await after.post('bookings/class', { json: booking, operation: 'op-restart' });
		expect(server.received).toHaveLength(1);
		expect(again).toMatchObject({ fromJournal: true, attempts: 0, key: first.key, data: { id: 'b1' } });
	});

	it('treats the same JSON with its keys in another order as the same request', async () => {
		const server = await serve((_req, res) => sendJson(res, 201, { id: 'b1' }));
		const api = createClient({ baseUrl: server.url, retry: fast });
		await api.post('bookings/class', { json: { a: 1, b: { c: 2, d: 3 } }, operation: 'op-order' });
		const again = await api.post('bookings/class', {
			json: { b: { d: 3, c: 2 }, a: 1 },
			operation: 'op-order',
		});
		expect(again.fromJournal).toBe(true);
		expect(server.received).toHaveLength(1);
	});

	it.each([
		['a different body', 'bookings/class', { classId: 'c8', clientId: 'u42' }],
		['a different path', 'bookings/other', booking],
	])('raises KeyReuseError from the journal for %s, without a request', async (_what, path, json) => {
		const server = await serve((_req, res) => sendJson(res, 201, { id: 'b1' }));
		const api = createClient({ baseUrl: server.url, dialect: 'bardge', retry: fast });
		const first = await api.post('bookings/class', { json: booking, operation: 'book:u42:c7' });

		const error = await rejectionOf(api.post(path, { json, operation: 'book:u42:c7' }));
		expect(error).toBeInstanceOf(KeyReuseError);
		expect((error as KeyReuseError).source).toBe('journal');
		expect((error as KeyReuseError).code).toBe('key_reused');
		expect((error as KeyReuseError).operation).toBe('book:u42:c7');
		expect((error as KeyReuseError).key).toBe(first.key);
		expect(server.received).toHaveLength(1);
	});

	it('raises KeyReuseError for a different method under the same operation', async () => {
		const server = await serve((_req, res) => sendJson(res, 200, { ok: true }));
		const api = createClient({ baseUrl: server.url, retry: fast });
		const first = await api.post('bookings/b1', { json: booking, operation: 'op-method' });
		const error = await rejectionOf(api.put('bookings/b1', { json: booking, operation: 'op-method' }));
		expect(error).toBeInstanceOf(KeyReuseError);
		expect((error as KeyReuseError).source).toBe('journal');
		expect((error as KeyReuseError).operation).toBe('op-method');
		expect((error as KeyReuseError).key).toBe(first.key);
		expect(server.received).toHaveLength(1);
	});
});

describe('re-running a failed operation', () => {
	it('raises the same RequestRejectedError (status and body) without a request', async () => {
		const server = await serve((_req, res) =>
			sendJson(res, 422, { code: 'seat_taken', detail: 'Seat 4 is taken' }),
		);
		const api = createClient({ baseUrl: server.url, retry: fast });
		const first = await rejectionOf(api.post('bookings/class', { json: booking, operation: 'op-rejected' }));
		expect(first).toBeInstanceOf(RequestRejectedError);
		expect(server.received).toHaveLength(1);
		expect((await api.journal.get(api.scope, 'op-rejected'))?.state).toBe('failed');

		const again = await rejectionOf(api.post('bookings/class', { json: booking, operation: 'op-rejected' }));
		expect(server.received).toHaveLength(1);
		expect(again).toBeInstanceOf(RequestRejectedError);
		const [a, b] = [first as RequestRejectedError, again as RequestRejectedError];
		expect(b.status).toBe(422);
		expect(b.body).toEqual({ code: 'seat_taken', detail: 'Seat 4 is taken' });
		expect(b.errorCode).toBe(a.errorCode);
		expect(b.key).toBe(a.key);
		expect(b.operation).toBe('op-rejected');
	});

	it('raises KeyReuseError (source server) again for a key the server refused, without a request', async () => {
		const server = await serve((_req, res) =>
			sendJson(res, 409, { error: 'idempotency_error', code: 'idempotency_key_reused' }),
		);
		const api = createClient({ baseUrl: server.url, dialect: 'bardge', retry: fast });
		const first = await rejectionOf(api.post('bookings/class', { json: booking, operation: 'op-reused' }));
		expect(first).toBeInstanceOf(KeyReuseError);
		expect((first as KeyReuseError).source).toBe('server');

		const again = await rejectionOf(api.post('bookings/class', { json: booking, operation: 'op-reused' }));
		expect(server.received).toHaveLength(1);
		expect(again).toBeInstanceOf(KeyReuseError);
		expect((again as KeyReuseError).source).toBe('server');
		expect((again as KeyReuseError).status).toBe(409);
		expect((again as KeyReuseError).key).toBe((first as KeyReuseError).key);
		expect((again as KeyReuseError).operation).toBe('op-reused');
	});

	it('raises KeyMissingError again for an operation the server refused for want of a key', async () => {
		const server = await serve((_req, res) => sendJson(res, 400, { code: 'missing_idempotency_key' }));
		const api = createClient({ baseUrl: server.url, dialect: '42min', retry: fast });
		const first = await rejectionOf(api.post('orders', { json: booking, operation: 'op-missing' }));
		expect(first).toBeInstanceOf(KeyMissingError);
		expect((first as KeyMissingError).status).toBe(400);
		expect((first as KeyMissingError).body).toEqual({ code: 'missing_idempotency_key' });
		const again = await rejectionOf(api.post('orders', { json: booking, operation: 'op-missing' }));
		expect(again).toBeInstanceOf(KeyMissingError);
		expect((again as KeyMissingError).status).toBe(400);
		expect((again as KeyMissingError).body).toEqual({ code: 'missing_idempotency_key' });
		expect((again as KeyMissingError).operation).toBe('op-missing');
		expect((again as KeyMissingError).key).toBe((first as KeyMissingError).key);
		expect(server.received).toHaveLength(1);
	});
});
