import { describe, expect, it } from 'vitest';
import { createClient, InvalidRequestError, MemoryJournal } from '../../src/index.js';
import { type Received, sendJson } from '../helpers/loopback-server.js';
import { refusalOf, rejectionOf, SpyJournal, serve } from '../operation/support.js';

// What people used to ky write first, each either working as they expect or refused (at compile time and, for
// JavaScript callers, at run time) with an error that names the option.

const ok = () => serve((_req, res) => sendJson(res, 201, { ok: true }));
const query = (req: Received | undefined) => new URL(req?.url ?? '', 'http://x').searchParams;

describe('URL objects as input', () => {
	it('a URL on the baseUrl origin is the same request as its path: same bytes, same operation', async () => {
		const server = await ok();
		const api = createClient({ baseUrl: `${server.url}v1/` });
		const byPath = await api.post('bookings?x=1', { json: { a: 1 }, operation: 'op-path' });
		const byUrl = await api.post(new URL('v1/bookings?x=1', server.url), {
			json: { a: 1 },
			operation: 'op-url',
		});
		expect(server.received.map((r) => r.url)).toEqual(['/v1/bookings?x=1', '/v1/bookings?x=1']);
		const [path, url] = await Promise.all([
			api.journal.get(api.scope, byPath.operation),
			api.journal.get(api.scope, byUrl.operation),
		]);
		expect(url?.fingerprint).toBe(path?.fingerprint);
	});

	it('a URL on another origin is refused before anything is journaled or sent', async () => {
		const server = await ok();
		const journal = new SpyJournal();
		const api = createClient({ baseUrl: server.url, journal });
		const error = await rejectionOf(api.post(new URL('https://elsewhere.example/x'), { json: {} }));
		expect(error).toBeInstanceOf(InvalidRequestError);
		expect((error as InvalidRequestError).field).toBe('url');
		expect(server.received).toEqual([]);
		expect(journal.calls).toEqual([]);
	});
});

describe('searchParams with arrays', () => {
	it('a call repeats the parameter for each value, in order, and journals it as part of the path', async () => {
		const server = await ok();
		const api = createClient({ baseUrl: server.url });
		const res = await api.post('bookings', {
			json: {},
			searchParams: { tag: ['a', 'b'], page: 2, all: [true, 3] },
		});
		expect(server.received[0]?.url).toBe('/bookings?tag=a&tag=b&page=2&all=true&all=3');
		expect((await api.journal.get(api.scope, res.operation))?.path).toBe(
			'/bookings?tag=a&tag=b&page=2&all=true&all=3',
		);
	});

	it('the client repeats its parameter on every call, and never journals it', async () => {
		const server = await ok();
		const api = createClient({ baseUrl: server.url, searchParams: { api_key: ['k1', 'k2'] } });
		const res = await api.post('bookings', { json: {} });
		expect(query(server.received[0]).getAll('api_key')).toEqual(['k1', 'k2']);
		expect((await api.journal.get(api.scope, res.operation))?.path).toBe('/bookings');
	});

	it('a resume with a request of array parameters sends them repeated, as the first call did', async () => {
		let calls = 0;
		const server = await serve((_req, res) => sendJson(res, calls++ === 0 ? 503 : 201, {}));
		const api = createClient({ baseUrl: server.url, retry: { limit: 0 }, storeBodies: false });
		const request = { json: { a: 1 }, searchParams: { tag: ['a', 'b'] } };
		await rejectionOf(api.post('bookings', { ...request, operation: 'op-1' }));
		// Without its body journaled, the request is given again; it matches only if its query does.
		const res = await api.resume('op-1', { request: { ...request, url: 'bookings' } });
		expect(res.status).toBe(201);
		expect(server.received.map((r) => r.url)).toEqual(['/bookings?tag=a&tag=b', '/bookings?tag=a&tag=b']);
	});

	it.each([
		['a call', { options: { json: {}, searchParams: { tag: ['a', {}] } } }],
		['a call, nested arrays', { options: { json: {}, searchParams: { tag: [['a']] } } }],
		['a call, a query string', { options: { json: {}, searchParams: 'tag=a' } }],
	])('%s with a value that is no parameter is refused, naming searchParams', async (_, { options }) => {
		const server = await ok();
		const api = createClient({ baseUrl: server.url });
		const error = await rejectionOf(api.post('bookings', options as never));
		expect((error as InvalidRequestError).field).toBe('searchParams');
		expect(server.received).toEqual([]);
	});

	it('the client option is checked the same way, at createClient', () => {
		expect(() => createClient({ searchParams: { tag: ['a', null] } as never })).toThrow(
			expect.objectContaining({ field: 'searchParams' }),
		);
		// @ts-expect-error a query string is not an option value: ky took one, idemkey takes a record or URLSearchParams
		expect(() => createClient({ searchParams: 'a=1' })).toThrow(InvalidRequestError);
	});
});

describe('client.extend()', () => {
	const parentOf = async () => {
		const server = await ok();
		const journal = new MemoryJournal();
		const api = createClient({
			baseUrl: server.url,
			journal,
			scope: 'shop',
			headers: { authorization: 'Bearer parent', 'x-app': 'web', 'x-tenant': 'none' },
			searchParams: { region: 'eu', v: '1' },
			retry: { limit: 0, maxRetryTime: 5_000 },
		});
		return { server, journal, api };
	};

	it('derives a client for another tenant: headers and query merged name by name, the rest replaced', async () => {
		const { server, journal, api } = await parentOf();
		const tenant = api.extend({
			scope: 'tenant-42',
			headers: { authorization: 'Bearer tenant', 'x-tenant': undefined },
			searchParams: { v: ['2', '3'] },
		});
		await tenant.post('bookings', { json: {} });
		await api.post('bookings', { json: {} });

		const [derived, parent] = server.received;
		expect(derived?.headers.authorization).toBe('Bearer tenant');
		expect(derived?.headers['x-app']).toBe('web');
		expect(derived?.headers['x-tenant']).toBeUndefined();
		expect(derived?.url).toBe('/bookings?region=eu&v=2&v=3');
		// The parent is left as it was.
		expect(parent?.headers.authorization).toBe('Bearer parent');
		expect(parent?.headers['x-tenant']).toBe('none');
		expect(parent?.url).toBe('/bookings?region=eu&v=1');
		expect(tenant.scope).toBe('tenant-42');
		expect(tenant.journal).toBe(journal);
		expect(tenant.dialect).toBe(api.dialect);
	});

	it('keeps the parent retry fields it does not override, and the journal unless one is given', async () => {
		let calls = 0;
		const server = await serve((_req, res) => sendJson(res, calls++ < 2 ? 503 : 201, {}));
		const api = createClient({ baseUrl: server.url, retry: { limit: 0, baseDelay: 1, maxDelay: 1 } });
		const patient = api.extend({ retry: { limit: 2 } });
		expect((await patient.post('bookings', { json: {} })).attempts).toBe(3);

		const own = new MemoryJournal();
		const apart = api.extend({ journal: own });
		const res = await apart.post('bookings', { json: {} });
		expect(apart.journal).toBe(own);
		expect(await own.get(apart.scope, res.operation)).toBeDefined();
		expect((await api.journal.get(api.scope, res.operation)) ?? null).toBeNull();
	});

	it('on the same journal and scope, parent and child run one operation once (shared single-flight)', async () => {
		let release: () => void = () => {};
		const gate = new Promise<void>((resolve) => {
			release = resolve;
		});
		const server = await serve(async (_req, res) => {
			await gate;
			sendJson(res, 201, { id: 'b1' });
		});
		const api = createClient({ baseUrl: server.url });
		const child = api.extend({ headers: { authorization: 'Bearer refreshed' } });
		const call = { json: { classId: 'c7' }, operation: 'book:c7' };
		const both = Promise.all([api.post('bookings', call), child.post('bookings', call)]);
		await expect.poll(() => server.received.length).toBe(1);
		release();
		const [first, second] = await both;
		expect(server.received).toHaveLength(1);
		expect(second.key).toBe(first.key);
		expect(second.data).toEqual({ id: 'b1' });
		// Joined the parent's flight: the answer itself, not a replay from the journal after waiting on its lease.
		expect(second.fromJournal).toBe(false);
		expect(second.attempts).toBe(1);
	});

	it('on another journal it runs apart: one journal cannot vouch for the other', async () => {
		const server = await ok();
		const api = createClient({ baseUrl: server.url });
		const child = api.extend({ journal: new MemoryJournal() });
		const call = { json: { classId: 'c7' }, operation: 'book:c7' };
		const [a, b] = await Promise.all([api.post('bookings', call), child.post('bookings', call)]);
		expect(server.received).toHaveLength(2);
		expect(a.key).not.toBe(b.key);
	});

	it.each([
		['a misspelt option', { prefixUrl: 'http://x/' }, 'options'],
		['a bad timeout', { timeout: 0 }, 'timeout'],
		[
			'a key header, which would make every write share one key',
			{ headers: { 'Idempotency-Key': 'k' } },
			'headers',
		],
		['a bad header value', { headers: { authorization: 'Bearer a\r\nX: 1' } }, 'headers'],
		['a bad retry field', { retry: { limit: -1 } }, 'retry'],
	])('refuses %s at extend(), like createClient', async (_, overrides, field) => {
		const { api } = await parentOf();
		expect(() => api.extend(overrides as never)).toThrow(expect.objectContaining({ field }));
	});
});

describe('ky options idemkey does not take are refused, not ignored', () => {
	it.each([
		['prefixUrl', { prefixUrl: 'https://api.example.com/' }, 'baseUrl'],
		['baseURL', { baseURL: 'https://api.example.com/' }, 'baseUrl'],
		['header', { header: { authorization: 'Bearer t' } }, 'headers'],
		['hooks', { hooks: { beforeRequest: [] } }, undefined],
	])('%s: InvalidRequestError naming it', (name, options, hint) => {
		const error = refusalOf(() => createClient(options as never));
		expect(error.field).toBe('options');
		expect(error.message).toContain(`"${name}"`);
		if (hint) expect(error.message).toContain(`did you mean ${hint}?`);
		else expect((error as Error).message).not.toContain('did you mean');
	});

	it('is a type error too', () => {
		// @ts-expect-error ky's prefixUrl is idemkey's baseUrl
		expect(() => createClient({ prefixUrl: 'https://api.example.com/' })).toThrow(InvalidRequestError);
		// @ts-expect-error ky's hooks: idemkey's per-attempt hook is beforeAttempt, its notifications onEvent
		expect(() => createClient({ hooks: { beforeRequest: [] } })).toThrow(InvalidRequestError);
		const api = createClient();
		// Never called: only its type matters. A call resolves to the result, not to a ky ResponsePromise: read res.data.
		// @ts-expect-error there is no .json() to chain
		const chained = () => api.post('https://api.example.com/x').json();
		expect(typeof chained).toBe('function');
	});
});
