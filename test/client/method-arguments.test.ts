import { describe, expect, it } from 'vitest';
import { createClient, InvalidRequestError } from '../../src/index.js';
import { sendJson } from '../helpers/loopback-server.js';
import { rejectionOf, SpyJournal, serve } from '../operation/support.js';

// The client checks each method's arguments before operation/ sees them (src/client/call-options.ts).

describe('a bad argument rejects the returned promise; it never throws where the caller only awaits', () => {
	const api = createClient({ baseUrl: 'https://api.example.com/' });
	it.each<[string, () => Promise<unknown>, string]>([
		['request with a bad method', () => api.request('CONNECT', 'x'), 'method'],
		['post with a number for a path', () => api.post(42 as never), 'url'],
		['post with no path at all', () => api.post(undefined as never), 'url'],
		['get with a key (a read carries none)', () => api.get('x', { key: 'k-1' } as never), 'key'],
		['HEAD with a key', () => api.request('head', 'x', { key: 'k-1' } as never), 'key'],
		['pending with null options', () => api.pending(null as never), 'options'],
		['resume with an empty operation', () => api.resume(''), 'operation'],
		['resumeAll with concurrency 0', () => api.resumeAll({ concurrency: 0 }), 'concurrency'],
		['abandon with force "yes"', () => api.abandon('op', { force: 'yes' as never }), 'force'],
		['resolve with a number for an operation', () => api.resolve(7 as never), 'operation'],
	])('%s', async (_, call, field) => {
		let promise: Promise<unknown> | undefined;
		expect(() => {
			promise = call();
		}).not.toThrow();
		const error = await rejectionOf(promise as Promise<unknown>);
		expect(error).toBeInstanceOf(InvalidRequestError);
		expect((error as InvalidRequestError).field).toBe(field);
	});
});

describe('a settlement refused for its force flag names the operation, as its reason, status and data do', () => {
	it.each<[string, (api: ReturnType<typeof createClient>) => Promise<unknown>]>([
		['abandon', (api) => api.abandon('book:42', { force: 'yes' as never })],
		['resolve', (api) => api.resolve('book:42', { force: 1 as never })],
	])('%s', async (_, settle) => {
		const journal = new SpyJournal();
		const error = await rejectionOf(settle(createClient({ journal })));
		expect(error).toBeInstanceOf(InvalidRequestError);
		expect(error).toMatchObject({ field: 'force', operation: 'book:42' });
		expect(journal.calls).toEqual([]);
	});
});

describe("resume()'s request is checked like a call, before the journal is read", () => {
	it.each<[string, unknown, string]>([
		['a string', 'json', 'request'],
		['a method fetch refuses', { method: 'TRACE', json: {} }, 'method'],
		['a body on GET', { method: 'get', json: {} }, 'body'],
		['a URL that is not a string', { url: 42 }, 'url'],
		['a key that cannot be a header value', { key: 'k\n1' }, 'key'],
		['a query value that is no parameter', { searchParams: { a: {} } }, 'searchParams'],
	])('%s', async (_, request, field) => {
		const server = await serve((_req, res) => sendJson(res, 201, {}));
		const journal = new SpyJournal();
		const api = createClient({ baseUrl: server.url, journal });
		const error = await rejectionOf(api.resume('op-1', { request: request as never }));
		expect(error).toBeInstanceOf(InvalidRequestError);
		expect((error as InvalidRequestError).field).toBe(field);
		expect(server.received).toEqual([]);
		expect(journal.calls).toEqual([]);
	});
});
