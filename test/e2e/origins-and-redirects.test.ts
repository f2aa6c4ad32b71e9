import { describe, expect, it } from 'vitest';
import {
	createClient,
	type IdemEvent,
	InvalidRequestError,
	MemoryJournal,
	OutcomeUnknownError,
	RequestRejectedError,
} from '../../src/index.js';
import { type Handler, sendJson } from '../helpers/loopback-server.js';
import { rejectionOf, serve } from '../operation/support.js';

// Two loopback servers on two ports: two origins. `api` is the client's baseUrl; `other` must never hear from it.
const ok: Handler = (_req, res) => sendJson(res, 200, { ok: true });
const redirect =
	(status: number, location: () => string): Handler =>
	(_req, res) => {
		res.writeHead(status, { location: location() });
		res.end();
	};

const SECRET = 'sk_live_ORIGINSECRET';
const VENDOR = 'VENDORKEY-ORIGIN';
const fast = { baseDelay: 1, maxDelay: 5, inProgressDelay: 1 };

/** The error a call rejects with (see rejectionOf), read as an Error for its message. */
const failure = async (promise: Promise<unknown>) => (await rejectionOf(promise)) as Error;

function client(baseUrl: string, events: IdemEvent[] = []) {
	return createClient({
		baseUrl,
		journal: new MemoryJournal(),
		retry: fast,
		headers: { Authorization: `Bearer ${SECRET}`, 'Ocp-Apim-Subscription-Key': VENDOR },
		onEvent: (event) => void events.push(event),
	});
}

describe('calls stay on the baseUrl origin', () => {
	it.each([
		['an absolute URL', (other: string) => `${other}steal`],
		['a protocol-relative URL', (other: string) => `//${new URL(other).host}/steal`],
		['a backslashed protocol-relative URL', (other: string) => `/\\${new URL(other).host}/steal`],
		['a URL object', (other: string) => new URL('steal', other)],
	])('refuses %s of another origin before journaling or sending anything', async (_what, target) => {
		const api = await serve(ok);
		const other = await serve(ok);
		const idem = client(`${api.url}v1/`);
		for (const method of ['POST', 'GET'] as const) {
			const error = await failure(
				idem.request(method, target(other.url), {
					operation: `op-${method}`,
					json: method === 'POST' ? {} : undefined,
				}),
			);
			expect(error).toBeInstanceOf(InvalidRequestError);
			expect((error as InvalidRequestError).field).toBe('url');
			expect(await idem.journal.get(idem.scope, `op-${method}`)).toBeUndefined();
		}
		expect(other.received).toHaveLength(0);
		expect(api.received).toHaveLength(0);
	});

	it('takes a URL object (or an absolute URL) that stays on the origin', async () => {
		const api = await serve(ok);
		const idem = client(api.url);
		await idem.post(new URL('v1/bookings', api.url), { json: {} });
		await idem.get(`${api.url}v1/bookings/1`);
		expect(api.received.map((r) => `${r.method} ${r.url}`)).toEqual([
			'POST /v1/bookings',
			'GET /v1/bookings/1',
		]);
		expect(api.received[0]?.headers.authorization).toBe(`Bearer ${SECRET}`);
	});

	it('keeps the path of a baseUrl without a trailing slash, with or without a leading slash in the call', async () => {
		const api = await serve(ok);
		const idem = createClient({ baseUrl: `${api.url}v1`, retry: fast });
		await idem.post('bookings', { json: {} });
		await idem.get('/bookings/7');
		expect(api.received.map((r) => r.url)).toEqual(['/v1/bookings', '/v1/bookings/7']);
	});
});

describe('a baseUrl with credentials', () => {
	it('is refused at createClient, without the password in the message', async () => {
		const api = await serve(ok);
		const withPassword = api.url.replace('http://', 'http://user:hunter2-SECRET@');
		let error: unknown;
		try {
			createClient({ baseUrl: withPassword });
		} catch (e) {
			error = e;
		}
		expect(error).toBeInstanceOf(InvalidRequestError);
		expect((error as InvalidRequestError).field).toBe('baseUrl');
		expect(String((error as Error).message)).not.toContain('hunter2');
		expect(JSON.stringify(error)).not.toContain('hunter2');
		expect(api.received).toHaveLength(0);
	});
});

describe('redirects of writes are never followed', () => {
	it('a 307 to another origin: nothing reaches it; a typed, non-retried rejection names the Location', async () => {
		const other = await serve(ok);
		const api = await serve(redirect(307, () => `${other.url}v1/bookings?token=LOCATION-TOKEN`));
		const events: IdemEvent[] = [];
		const idem = client(api.url, events);
		const error = await failure(idem.post('v1/bookings', { json: { seat: 1 }, operation: 'op-307' }));

		expect(other.received).toHaveLength(0);
		expect(api.received).toHaveLength(1);
		expect(error).toBeInstanceOf(RequestRejectedError);
		expect((error as RequestRejectedError).status).toBe(307);
		expect((error as RequestRejectedError).headers.get('location')).toContain(other.url);
		expect(error.message).toContain(`${other.url}v1/bookings`);
		expect(error.message).not.toContain('LOCATION-TOKEN');
		const record = await idem.journal.get(idem.scope, 'op-307');
		expect(record?.state).toBe('failed');
		const everything = JSON.stringify([record, error.message, events]);
		for (const secret of [SECRET, VENDOR]) expect(everything).not.toContain(secret);
	});

	it('a 302 loop: one request on the wire, and an unknown outcome (302 may mean "done")', async () => {
		const api = await serve(redirect(302, () => '/v1/bookings'));
		const idem = client(api.url);
		const error = await failure(idem.post('v1/bookings', { json: {}, operation: 'op-loop' }));
		expect(api.received).toHaveLength(1);
		expect(error).toBeInstanceOf(OutcomeUnknownError);
		expect((error as OutcomeUnknownError).status).toBe(302);
		expect(error.message).toContain('not followed');
		expect((await idem.journal.get(idem.scope, 'op-loop'))?.state).toBe('unknown');
	});

	it('a 308 on the same origin is not replayed either', async () => {
		const api = await serve((req, res, index) =>
			index === 0 ? redirect(308, () => '/v2/bookings')(req, res, index) : sendJson(res, 201, {}),
		);
		const idem = client(api.url);
		const error = await failure(idem.put('v1/bookings/1', { json: {} }));
		expect(error).toBeInstanceOf(RequestRejectedError);
		expect(api.received.map((r) => r.url)).toEqual(['/v1/bookings/1']);
	});

	it('a 303 after a POST is "done, see other": a success that hands the Location to the caller', async () => {
		const other = await serve(ok);
		const api = await serve(redirect(303, () => `${other.url}receipts/1`));
		const idem = client(api.url);
		const res = await idem.post('v1/payments', { json: { amount: 5 }, operation: 'op-303' });
		expect(res.status).toBe(303);
		expect(res.headers.get('location')).toBe(`${other.url}receipts/1`);
		expect(other.received).toHaveLength(0);
		expect((await idem.journal.get(idem.scope, 'op-303'))?.state).toBe('succeeded');
		const again = await idem.post('v1/payments', { json: { amount: 5 }, operation: 'op-303' });
		expect(again).toMatchObject({ fromJournal: true, status: 303 });
		expect(api.received).toHaveLength(1);
	});

	it("a browser's opaque redirect (status 0, where and why hidden): one attempt, an unknown outcome", async () => {
		const inits: RequestInit[] = [];
		const idem = createClient({
			baseUrl: 'https://api.example.com/v1/',
			retry: fast,
			fetch: async (_input, init) => {
				inits.push(init ?? {});
				// What a browser hands back for redirect: 'manual'; Node's Response cannot be built with status 0.
				const response = new Response(null, { status: 200 });
				Object.defineProperty(response, 'status', { value: 0 });
				Object.defineProperty(response, 'ok', { value: false });
				Object.defineProperty(response, 'type', { value: 'opaqueredirect' });
				return response;
			},
		});
		const error = await failure(idem.post('bookings', { json: {}, operation: 'op-opaque' }));
		expect(error).toBeInstanceOf(OutcomeUnknownError);
		expect(error.message).toContain('opaque redirect');
		expect(inits).toHaveLength(1);
		expect(inits[0]?.redirect).toBe('manual');
		expect((await idem.journal.get(idem.scope, 'op-opaque'))?.state).toBe('unknown');
	});
});

describe('redirects of reads', () => {
	it('follow the same origin, carrying the headers', async () => {
		const api = await serve((req, res) =>
			req.url === '/v1/old'
				? redirect(301, () => '/v1/new')(req, res, 0)
				: sendJson(res, 200, { at: req.url }),
		);
		const idem = client(api.url);
		const res = await idem.get('v1/old');
		expect(res.data).toEqual({ at: '/v1/new' });
		expect(api.received.map((r) => r.url)).toEqual(['/v1/old', '/v1/new']);
		expect(api.received[1]?.headers.authorization).toBe(`Bearer ${SECRET}`);
	});

	it('stop at another origin: it hears nothing, and the caller gets the redirect as a typed answer', async () => {
		const other = await serve(ok);
		const api = await serve(redirect(302, () => `${other.url}elsewhere`));
		const idem = client(api.url);
		const error = await failure(idem.get('v1/thing'));
		expect(error).toBeInstanceOf(RequestRejectedError);
		expect((error as RequestRejectedError).status).toBe(302);
		expect(error.message).toContain(`${other.url}elsewhere`);
		expect(other.received).toHaveLength(0);
		expect(api.received).toHaveLength(1);
	});

	it('stop at a Location with a user name or password, on the same origin too: the redirect is the answer', async () => {
		const api = await serve(
			redirect(302, () => {
				const next = new URL('v1/next', api.url);
				next.username = 'user';
				next.password = 'LOCATION-PASSWORD';
				return next.href;
			}),
		);
		const idem = client(api.url);
		const error = await failure(idem.get('v1/thing'));
		expect(error).toBeInstanceOf(RequestRejectedError);
		expect((error as RequestRejectedError).status).toBe(302);
		expect(api.received.map((r) => r.url)).toEqual(['/v1/thing']);
		expect(error.message).not.toContain('LOCATION-PASSWORD');
	});

	it('stop a loop after a few hops, and are not retried', async () => {
		const api = await serve(redirect(302, () => '/v1/loop'));
		const idem = client(api.url);
		const error = await failure(idem.get('v1/loop'));
		expect(error).toBeInstanceOf(RequestRejectedError);
		// The first request and five redirects followed.
		expect(api.received).toHaveLength(6);
	});
});
