import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
	createClient,
	type IdemEvent,
	InvalidRequestError,
	type JournalRecord,
	MemoryJournal,
	OutcomeUnknownError,
} from '../../src/index.js';
import { sendJson } from '../helpers/loopback-server.js';
import { fast, rejectionOf, serve } from './support.js';

const QUERY_SECRET = 'QUERYSECRET-api-key-1';

describe('credentials in the query string', () => {
	it('client searchParams are sent on every attempt but never journaled, shown in errors or in events', async () => {
		const journal = new MemoryJournal();
		const seen: (JournalRecord | undefined)[] = [];
		const server = await serve(async (_req, res) => {
			seen.push(await journal.get('default', 'op-q'));
			sendJson(res, 503, { error: 'busy' });
		});
		const events: IdemEvent[] = [];
		const api = createClient({
			baseUrl: `${server.url}v1/`,
			journal,
			retry: { ...fast, limit: 2 },
			searchParams: { api_key: QUERY_SECRET },
			onEvent: (event) => void events.push(event),
		});
		const error = await rejectionOf(
			api.post('bookings', { json: { seat: 1 }, searchParams: { page: 2 }, operation: 'op-q' }),
		);

		expect(error).toBeInstanceOf(OutcomeUnknownError);
		expect(server.received.map((r) => r.url)).toEqual(
			Array(3).fill(`/v1/bookings?page=2&api_key=${QUERY_SECRET}`),
		);
		const record = await journal.get('default', 'op-q');
		expect(record?.request?.url).toBe(`${server.url}v1/bookings?page=2`);
		const everything = JSON.stringify([seen, record, (error as Error).message, events, String(error)]);
		expect(everything).not.toContain(QUERY_SECRET);
		expect(events.length).toBeGreaterThan(3);
	});

	it('stay out of a network failure and its causes (with the headers), however deeply they are inspected', async () => {
		const server = await serve((_req, res) => void res.socket?.destroy());
		const api = createClient({
			baseUrl: server.url,
			retry: { ...fast, limit: 1 },
			searchParams: { api_key: QUERY_SECRET },
			headers: { Authorization: 'Bearer HEADER-SECRET' },
		});
		const error = await rejectionOf(api.post('bookings', { json: {}, operation: 'op-n' }));
		expect(error).toBeInstanceOf(OutcomeUnknownError);
		expect(server.received[0]?.url).toBe(`/bookings?api_key=${QUERY_SECRET}`);
		const printed = inspect(error, { depth: 10 });
		expect(printed).toContain('other side closed');
		expect(printed).not.toContain(QUERY_SECRET);
		expect(printed).not.toContain('HEADER-SECRET');
		expect(JSON.stringify(await api.journal.get(api.scope, 'op-n'))).not.toContain(QUERY_SECRET);
	});

	it('do not change the fingerprint: a client with another key resumes the same operation', async () => {
		const journal = new MemoryJournal();
		const server = await serve((_req, res, index) =>
			index === 0 ? void res.socket?.destroy() : sendJson(res, 201, { id: 'b1' }),
		);
		const first = createClient({
			baseUrl: server.url,
			journal,
			retry: { ...fast, limit: 0 },
			searchParams: { api_key: 'OLD-KEY' },
		});
		await rejectionOf(first.post('bookings', { json: { seat: 1 }, operation: 'op-rotate' }));
		const rotated = createClient({
			baseUrl: server.url,
			journal,
			retry: fast,
			searchParams: { api_key: 'NEW-KEY' },
		});
		const res = await rotated.post('bookings', { json: { seat: 1 }, operation: 'op-rotate' });
		expect(res.status).toBe(201);
		expect(server.received.map((r) => r.url)).toEqual([
			'/bookings?api_key=OLD-KEY',
			'/bookings?api_key=NEW-KEY',
		]);
		expect(server.received[1]?.headers['idempotency-key']).toBe(
			server.received[0]?.headers['idempotency-key'],
		);
	});

	it('a credential in the call URL is refused before anything is journaled or sent', async () => {
		const server = await serve((_req, res) => sendJson(res, 201, {}));
		const api = createClient({ baseUrl: server.url, retry: fast });
		const error = await rejectionOf(
			api.post(`bookings?api_key=${QUERY_SECRET}`, { json: {}, operation: 'op-c' }),
		);
		expect(error).toBeInstanceOf(InvalidRequestError);
		expect((error as InvalidRequestError).field).toBe('searchParams');
		expect((error as Error).message).not.toContain(QUERY_SECRET);
		expect(server.received).toHaveLength(0);
		expect(await api.journal.get(api.scope, 'op-c')).toBeUndefined();
	});
});

describe('journalHeaders', () => {
	it.each(['Authorization', 'x-functions-key', 'Ocp-Apim-Subscription-Key', 'X-Session-Token', 'bad name'])(
		'refuses %s at createClient',
		(name) => {
			let error: unknown;
			try {
				createClient({ journalHeaders: [name] });
			} catch (e) {
				error = e;
			}
			expect(error).toBeInstanceOf(InvalidRequestError);
			expect((error as InvalidRequestError).field).toBe('journalHeaders');
		},
	);
});

describe('resuming supplies the credentials the journal never kept', () => {
	it("resends with the resuming client's headers, the journaled allow-list and the headers given to resume()", async () => {
		const journal = new MemoryJournal();
		const server = await serve((_req, res, index) =>
			index === 0 ? void res.socket?.destroy() : sendJson(res, 201, { id: 'b1' }),
		);
		const crashed = createClient({
			baseUrl: server.url,
			journal,
			retry: { ...fast, limit: 0 },
			headers: { Authorization: 'Bearer OLD-TOKEN', 'x-functions-key': 'FUNCTIONS-KEY' },
			journalHeaders: ['Stripe-Account'],
		});
		await rejectionOf(
			crashed.post('charges', {
				json: { amount: 5 },
				operation: 'op-r',
				headers: { 'Stripe-Account': 'acct_9', 'X-Tenant-Token': 'TENANT-TOKEN', 'X-Trace': 'trace-1' },
			}),
		);
		const record = await journal.get('default', 'op-r');
		expect(record?.state).toBe('unknown');
		expect(record?.request?.headers).toEqual([
			['content-type', 'application/json'],
			['stripe-account', 'acct_9'],
		]);

		// A record written by an older version (or by hand) that still holds a credential cannot override the resumer's.
		if (!record?.request) throw new Error('the record keeps its request');
		const forged = [...record.request.headers, ['authorization', 'Bearer FORGED'] as [string, string]];
		expect(
			await journal.compareAndSet({
				...record,
				revision: record.revision + 1,
				request: { ...record.request, headers: forged },
			}),
		).toBe(true);

		const resumer = createClient({
			baseUrl: server.url,
			journal,
			retry: fast,
			headers: { Authorization: 'Bearer NEW-TOKEN' },
		});
		const res = await resumer.resume('op-r', { headers: { 'X-Tenant-Token': 'TENANT-TOKEN-2' } });
		expect(res.status).toBe(201);
		const resent = server.received[1]?.headers ?? {};
		expect(resent.authorization).toBe('Bearer NEW-TOKEN');
		expect(resent['x-tenant-token']).toBe('TENANT-TOKEN-2');
		expect(resent['stripe-account']).toBe('acct_9');
		expect(resent['x-functions-key']).toBeUndefined();
		expect(resent['idempotency-key']).toBe(server.received[0]?.headers['idempotency-key']);
		expect(server.received[1]?.body.toString()).toBe(server.received[0]?.body.toString());
	});

	it("a record written against another origin is resent to this client's origin, never there with its headers", async () => {
		const journal = new MemoryJournal();
		const old = await serve((_req, res) => void res.socket?.destroy());
		const current = await serve((_req, res) => sendJson(res, 201, { id: 'b1' }));
		const first = createClient({ baseUrl: `${old.url}v1/`, journal, retry: { ...fast, limit: 0 } });
		await rejectionOf(first.post('charges', { json: { amount: 5 }, operation: 'op-moved' }));
		expect(old.received).toHaveLength(1);

		const moved = createClient({
			baseUrl: `${current.url}v1/`,
			journal,
			retry: fast,
			headers: { Authorization: 'Bearer T' },
		});
		const res = await moved.resume('op-moved');
		expect(res.status).toBe(201);
		expect(old.received).toHaveLength(1);
		expect(current.received.map((r) => `${r.method} ${r.url} ${r.headers.authorization}`)).toEqual([
			'POST /v1/charges Bearer T',
		]);
		expect(current.received[0]?.headers['idempotency-key']).toBe(old.received[0]?.headers['idempotency-key']);
	});
});
