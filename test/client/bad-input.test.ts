import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import {
	type CallOptions,
	type ClientOptions,
	createClient,
	type DialectInit,
	defineDialect,
	InvalidRequestError,
	ResponseValidationError,
	stripe,
} from '../../src/index.js';
import { type LoopbackServer, sendJson, startServer } from '../helpers/loopback-server.js';
import { refusalOf, rejectionOf, SpyJournal } from '../operation/support.js';

// Header values in these cases stand for credentials: no error may repeat them.
const SECRET = 'sk_live_51SECRET';

let server: LoopbackServer;
beforeAll(async () => {
	server = await startServer((_req, res) => sendJson(res, 201, { ok: true }));
});
afterAll(() => server.close());

type Case = [
	label: string,
	field: string,
	call: { method?: unknown; path?: unknown; options?: unknown; client?: Record<string, unknown> },
];

const loose = defineDialect({ name: 'loose', keyPattern: /^[\s\S]+$/, keyMaxLength: 1000 });

const headersWith = (value: unknown) => ({ options: { json: {}, headers: { 'x-api-key': value } } });
const withHeaders = (init: unknown) => ({ options: { json: {}, headers: init } });

// Each of these, before the fix, was sent (and failed or was aborted on the wire), journaled, crashed with a raw
// TypeError, or silently did something else than asked.
const calls: Case[] = [
	['timeout NaN', 'timeout', { options: { json: {}, timeout: Number.NaN } }],
	['timeout 0', 'timeout', { options: { json: {}, timeout: 0 } }],
	['timeout negative', 'timeout', { options: { json: {}, timeout: -5 } }],
	['timeout Infinity', 'timeout', { options: { json: {}, timeout: Number.POSITIVE_INFINITY } }],
	['timeout a fraction', 'timeout', { options: { json: {}, timeout: 0.5 } }],
	['timeout a string', 'timeout', { options: { json: {}, timeout: '100' } }],
	['timeout past what a timer holds', 'timeout', { options: { json: {}, timeout: 2 ** 31 } }],
	['signal a plain object', 'signal', { options: { json: {}, signal: {} } }],
	[
		'signal shaped like an AbortSignal',
		'signal',
		{
			options: {
				json: {},
				signal: { aborted: false, reason: undefined, throwIfAborted() {}, addEventListener() {} },
			},
		},
	],
	['signal an AbortController', 'signal', { options: { json: {}, signal: new AbortController() } }],
	['schema a plain object', 'schema', { options: { json: {}, schema: {} } }],
	['schema without validate', 'schema', { options: { json: {}, schema: { '~standard': { version: 1 } } } }],
	['schema a function', 'schema', { options: { json: {}, schema: (v: unknown) => v } }],
	['header value with CR LF', 'headers', headersWith(`${SECRET}\r\nX-Evil: 1`)],
	['header value with LF', 'headers', headersWith(`${SECRET}\n`.repeat(2))],
	['header value with NUL', 'headers', headersWith(`${SECRET}\0`)],
	['header value with a control character', 'headers', headersWith(`${SECRET}\u0001`)],
	['header value with DEL', 'headers', headersWith(`${SECRET}\u007f`)],
	['header value past Latin-1', 'headers', headersWith(`${SECRET}€`)],
	['header value a number', 'headers', headersWith(5)],
	['header value null', 'headers', headersWith(null)],
	[
		'header in a Headers with a control character',
		'headers',
		withHeaders(new Headers({ 'x-a': `${SECRET}\u0001` })),
	],
	['header name with a space', 'headers', withHeaders({ 'x api key': 'v' })],
	['header name with a colon', 'headers', withHeaders({ 'x-api-key:': 'v' })],
	['header name empty', 'headers', withHeaders({ '': 'v' })],
	['header pair not a pair', 'headers', withHeaders([['x-a', 'v', 'w']])],
	['headers a string', 'headers', withHeaders('x-a: v')],
	['Content-Length header', 'headers', withHeaders({ 'Content-Length': '1' })],
	['Transfer-Encoding header', 'headers', withHeaders({ 'transfer-encoding': 'chunked' })],
	['Expect header', 'headers', withHeaders({ expect: '100-continue' })],
	['method CONNECT', 'method', { method: 'CONNECT', options: {} }],
	['method connect', 'method', { method: 'connect', options: {} }],
	['method TRACE', 'method', { method: 'TRACE', options: {} }],
	['method TRACK', 'method', { method: 'track', options: { json: {} } }],
	['method with a space', 'method', { method: 'PO ST', options: { json: {} } }],
	['method empty', 'method', { method: '', options: { json: {} } }],
	['method non-ASCII that upper-cases to ASCII', 'method', { method: 'poſt', options: { json: {} } }],
	['method a number', 'method', { method: 5, options: { json: {} } }],
	['json on GET', 'body', { method: 'GET', options: { json: { a: 1 } } }],
	['body on GET', 'body', { method: 'get', options: { body: 'x' } }],
	['empty body on HEAD', 'body', { method: 'HEAD', options: { body: '' } }],
	['retry a number', 'retry', { options: { json: {}, retry: 5 } }],
	['retry an array', 'retry', { options: { json: {}, retry: [] } }],
	['retry.limit NaN', 'retry', { options: { json: {}, retry: { limit: Number.NaN } } }],
	['retry.limit negative', 'retry', { options: { json: {}, retry: { limit: -1 } } }],
	[
		'retry.maxRetryTime Infinity',
		'retry',
		{ options: { json: {}, retry: { maxRetryTime: Number.POSITIVE_INFINITY } } },
	],
	['retry.baseDelay a string', 'retry', { options: { json: {}, retry: { baseDelay: '3' } } }],
	['retry unknown field', 'retry', { options: { json: {}, retry: { retries: 3 } } }],
	['operation a number', 'operation', { options: { json: {}, operation: 42 } }],
	['operation empty', 'operation', { options: { json: {}, operation: '' } }],
	['operation too long', 'operation', { options: { json: {}, operation: 'x'.repeat(513) } }],
	['operation on GET a number', 'operation', { method: 'GET', options: { operation: 42 } }],
	['key a number', 'key', { options: { json: {}, key: 42 } }],
	['key an object', 'key', { options: { json: {}, key: { id: 1 } } }],
	// A custom dialect may accept any key; fetch still cannot send these, or would trim them into another key.
	['key with a line break', 'key', { options: { json: {}, key: 'k\r\n1' }, client: { dialect: 'loose' } }],
	['key past Latin-1', 'key', { options: { json: {}, key: 'k€' }, client: { dialect: 'loose' } }],
	['key with an outer space', 'key', { options: { json: {}, key: ' k1' }, client: { dialect: 'loose' } }],
	['options null', 'options', { options: null }],
	['options a string', 'options', { options: 'json' }],
	['path a number', 'url', { path: 42, options: { json: {} } }],
	['path that parses as another scheme', 'url', { path: 'localhost:3000/x', options: { json: {} } }],
	[
		'non-http URL',
		'url',
		{ path: 'ftp://127.0.0.1/x', options: { json: {} }, client: { baseUrl: undefined } },
	],
	['searchParams a number', 'searchParams', { options: { json: {}, searchParams: 5 } }],
	['searchParams value undefined', 'searchParams', { options: { json: {}, searchParams: { a: undefined } } }],
	['searchParams value an object', 'searchParams', { options: { json: {}, searchParams: { a: {} } } }],
	// Not a plain object: read by its own enumerable fields, it names no parameter, and the call would go without them.
	[
		'searchParams a Map',
		'searchParams',
		{ options: { json: {}, searchParams: new Map([['api_key', SECRET]]) } },
	],
];

describe('a call with bad input is refused before anything is journaled or sent', () => {
	it.each(calls)(
		'%s: InvalidRequestError, field %s',
		async (_, field, { method = 'POST', path = 'bookings', options, client }) => {
			const before = server.received.length;
			const journal = new SpyJournal();
			const dialect = client?.dialect === 'loose' ? loose : client?.dialect;
			const api = createClient({
				baseUrl: server.url,
				journal,
				...client,
				...(dialect ? { dialect } : {}),
			} as never);
			const error = await rejectionOf(api.request(method as string, path as string, options as CallOptions));

			expect(error).toBeInstanceOf(InvalidRequestError);
			expect((error as InvalidRequestError).field).toBe(field);
			expect((error as Error).message).not.toContain(SECRET);
			expect(JSON.stringify((error as Error).cause ?? null)).not.toContain(SECRET);
			expect(server.received.length, 'requests the server saw').toBe(before);
			expect(journal.calls, 'journal calls').toEqual([]);
			expect(journal.inner.size).toBe(0);
		},
	);
});

const dialectInit = (init: Record<string, unknown>) => () =>
	defineDialect({ name: 'mine', ...init } as DialectInit);

const clients: [label: string, field: string, make: () => unknown][] = [
	['timeout NaN', 'timeout', () => ({ timeout: Number.NaN })],
	['timeout 0', 'timeout', () => ({ timeout: 0 })],
	['timeout negative', 'timeout', () => ({ timeout: -1 })],
	['timeout Infinity', 'timeout', () => ({ timeout: Number.POSITIVE_INFINITY })],
	[
		'header value with CR LF',
		'headers',
		() => ({ headers: { authorization: `Bearer ${SECRET}\r\nX-Evil: 1` } }),
	],
	['header value past Latin-1', 'headers', () => ({ headers: [['x-api-key', `${SECRET}€`]] })],
	['header name with a space', 'headers', () => ({ headers: { 'x api': 'v' } })],
	['retry a number', 'retry', () => ({ retry: 5 })],
	// The client's query is where an API key the server takes in the URL goes: dropped, every call would go without it.
	['searchParams a Map', 'searchParams', () => ({ searchParams: new Map([['api_key', SECRET]]) })],
	[
		'searchParams a URL',
		'searchParams',
		() => ({ searchParams: new URL(`https://x.test/?api_key=${SECRET}`) }),
	],
	['retry.limit NaN', 'retry', () => ({ retry: { limit: Number.NaN } })],
	['scope a number', 'scope', () => ({ scope: 7 })],
	['dialect "toString"', 'dialect', () => ({ dialect: 'toString' })],
	['dialect "__proto__"', 'dialect', () => ({ dialect: '__proto__' })],
	['dialect "constructor"', 'dialect', () => ({ dialect: 'constructor' })],
	[
		'dialect a spread copy of a built-in one',
		'dialect',
		() => ({ dialect: { ...stripe, keyHeader: 'X-Key' } }),
	],
	[
		'dialect a hand-written object',
		'dialect',
		() => ({ dialect: { name: 'mine', keyHeader: 'Idempotency-Key' } }),
	],
	['dialect a number', 'dialect', () => ({ dialect: 3 })],
	['defineDialect with a bad key header', 'dialect', dialectInit({ keyHeader: 'Idempotency Key' })],
	['defineDialect with lower-case methods', 'dialect', dialectInit({ keyedMethods: ['post'] })],
	['defineDialect keying GET', 'dialect', dialectInit({ keyedMethods: ['GET', 'POST'] })],
	['defineDialect with a global keyPattern', 'dialect', dialectInit({ keyPattern: /^[a-z]+$/g })],
	['defineDialect with a sticky keyless pattern', 'dialect', dialectInit({ keyless: [/cancel/y] })],
	['defineDialect with keyMaxLength 0', 'dialect', dialectInit({ keyMaxLength: 0 })],
	['defineDialect with retentionMs NaN', 'dialect', dialectInit({ retentionMs: Number.NaN })],
	['defineDialect with a misspelt field', 'dialect', dialectInit({ keyheader: 'X-Key' })],
	[
		'defineDialect with a replay header without a value',
		'dialect',
		dialectInit({ replayHeaders: [{ name: 'Idempotent-Replayed' }] }),
	],
	['defineDialect with replayAbsent true', 'dialect', dialectInit({ replayAbsent: true })],
	['defineDialect with cachesErrors "yes"', 'dialect', dialectInit({ cachesErrors: 'yes' })],
	[
		'defineDialect with a rule without status',
		'dialect',
		dialectInit({ keyReused: [{ codes: ['reused'] }] }),
	],
	['defineDialect without a name', 'dialect', () => defineDialect({} as DialectInit)],
];

describe('a client with bad options is refused by createClient (or defineDialect)', () => {
	it.each(clients)('%s: InvalidRequestError, field %s', (_, field, make) => {
		const before = server.received.length;
		const journal = new SpyJournal();
		const error = refusalOf(() =>
			createClient({ baseUrl: server.url, journal, ...(make() as ClientOptions) }),
		);
		expect(error.field).toBe(field);
		expect(error.message).not.toContain(SECRET);
		expect(JSON.stringify(error.cause ?? null)).not.toContain(SECRET);
		expect(server.received.length).toBe(before);
		expect(journal.calls).toEqual([]);
	});
});

describe('inputs fetch accepts are still sent', () => {
	it.each<[string, string, CallOptions]>([
		[
			'a tab and Latin-1 in a header value',
			'POST',
			{ json: {}, headers: { 'x-note': 'caf\u00e9\tau lait' } },
		],
		['a lower-case method', 'patch', { json: {} }],
		['an extension method', 'PROPFIND', {}],
		['a null signal and body', 'POST', { signal: null as never, body: null }],
		[
			'a Headers instance and URLSearchParams',
			'PUT',
			{ json: {}, headers: new Headers({ 'x-a': '1' }), searchParams: new URLSearchParams('a=1') },
		],
		['a zod schema', 'POST', { json: {}, schema: z.object({ ok: z.boolean() }) }],
	])('%s', async (_, method, options) => {
		const api = createClient({ baseUrl: server.url });
		const before = server.received.length;
		const result = await api.request(method, 'bookings', options);
		expect(result.status).toBe(201);
		expect(server.received.length).toBe(before + 1);
		expect(server.received.at(-1)?.method).toBe(method.toUpperCase());
	});
});

describe('a schema that throws', () => {
	it('is a ResponseValidationError (the request was applied), not a raw error', async () => {
		const api = createClient({ baseUrl: server.url });
		const schema = {
			'~standard': {
				version: 1 as const,
				vendor: 'test',
				validate: () => {
					throw new Error('schema bug');
				},
			},
		};
		const error = await rejectionOf(api.post('bookings', { json: {}, schema }));
		expect(error).toBeInstanceOf(ResponseValidationError);
		expect((error as ResponseValidationError).status).toBe(201);
	});
});

describe('resume() checks its options like a call', () => {
	it.each<[string, string, Record<string, unknown>]>([
		['timeout NaN', 'timeout', { timeout: Number.NaN }],
		['signal a plain object', 'signal', { signal: {} }],
		['schema a plain object', 'schema', { schema: {} }],
		['retry a number', 'retry', { retry: 5 }],
	])('%s: InvalidRequestError, field %s, nothing sent', async (_, field, options) => {
		const journal = new SpyJournal();
		const failing = await startServer((_req, res) => sendJson(res, 503, {}));
		try {
			const api = createClient({ baseUrl: failing.url, journal, retry: { limit: 0 } });
			await rejectionOf(api.post('bookings', { json: {}, operation: 'op-1' }));
			const sent = failing.received.length;
			const error = await rejectionOf(api.resume('op-1', options));
			expect(error).toBeInstanceOf(InvalidRequestError);
			expect((error as InvalidRequestError).field).toBe(field);
			expect(failing.received.length).toBe(sent);
		} finally {
			await failing.close();
		}
	});
});

describe('resumeAll() checks its options once', () => {
	it('refuses a bad timeout with InvalidRequestError before listing or sending anything', async () => {
		const journal = new SpyJournal();
		const api = createClient({ baseUrl: server.url, journal });
		const error = await rejectionOf(api.resumeAll({ timeout: -1 }));
		expect(error).toBeInstanceOf(InvalidRequestError);
		expect((error as InvalidRequestError).field).toBe('timeout');
		expect(journal.calls).toEqual([]);
	});
});
