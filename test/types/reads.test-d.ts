import { describe, expectTypeOf, it } from 'vitest';
import * as z from 'zod';
import { type CallOptions, createClient, type IdemResult, type ReadCallOptions } from '../../src/index.js';

/*
What a read cannot take, refused where the runtime refuses it or drops it: `json` and a non-null `body` (fetch cannot
send a body with GET or HEAD; InvalidRequestError before sending) and `key` (a read is sent without one, so a key given
there would silently never reach the server). `operation` stays: on a read it names the result and the events.
*/

const api = createClient({ baseUrl: 'https://api.example.com/v1/' });

describe('client.get()', () => {
	it('refuses json, a body and a key', () => {
		// @ts-expect-error GET carries no body
		void api.get('bookings', { json: { classId: 'c7' } });
		// @ts-expect-error GET carries no body
		void api.get('bookings', { body: 'x' });
		// @ts-expect-error GET carries no body, an empty one included
		void api.get('bookings', { body: new URLSearchParams() });
		// @ts-expect-error GET carries no Idempotency-Key
		void api.get('bookings', { key: 'k-1' });
	});

	it('refuses them in an options object built beforehand, not only in a literal', () => {
		const withJson = { json: { classId: 'c7' }, timeout: 1_000 };
		const withKey: CallOptions = { key: 'k-1' };
		// @ts-expect-error GET carries no body
		void api.get('bookings', withJson);
		// @ts-expect-error GET carries no Idempotency-Key
		void api.get('bookings', withKey);
	});

	it('takes what the runtime accepts on a read: an operation label, no body, and every other option', () => {
		const res = api.get('bookings', {
			operation: 'list:u42',
			body: null,
			json: undefined,
			key: undefined,
			headers: { accept: 'application/json' },
			searchParams: { page: 2, open: true },
			signal: new AbortController().signal,
			timeout: 1_000,
			retry: { limit: 2 },
		});
		expectTypeOf(res).toEqualTypeOf<Promise<IdemResult<unknown>>>();
	});

	it('types the result by its schema, as a write does', () => {
		const res = api.get('bookings/1', { schema: z.object({ id: z.string() }) });
		expectTypeOf(res).resolves.toHaveProperty('data').toEqualTypeOf<{ id: string }>();
	});

	it("names the reason in the compiler's error, and no value can be given instead", () => {
		type Reason<Option> = NonNullable<Option>[keyof NonNullable<Option>];
		expectTypeOf<
			Reason<ReadCallOptions['json']>
		>().toEqualTypeOf<'GET and HEAD carry no body (fetch refuses one): send it with POST, PUT or PATCH'>();
		expectTypeOf<
			Reason<ReadCallOptions['body']>
		>().toEqualTypeOf<'GET and HEAD carry no body (fetch refuses one): send it with POST, PUT or PATCH'>();
		expectTypeOf<
			Reason<ReadCallOptions['key']>
		>().toEqualTypeOf<'GET and HEAD carry no Idempotency-Key (a read is safe to repeat): leave the key out'>();
		expectTypeOf<{ json: Record<PropertyKey, unknown> }>().not.toExtend<ReadCallOptions>();
	});

	it('has the read options as its parameter', () => {
		expectTypeOf(api.get).parameter(1).toEqualTypeOf<ReadCallOptions<unknown> | undefined>();
	});
});

describe('client.request() with GET or HEAD', () => {
	it('refuses json, a body and a key, whatever the case of the method', () => {
		// @ts-expect-error HEAD carries no body
		void api.request('HEAD', 'bookings', { json: {} });
		// @ts-expect-error a lower-case get is sent as GET
		void api.request('get', 'bookings', { body: 'x' });
		// @ts-expect-error HEAD carries no Idempotency-Key
		void api.request('Head', 'bookings', { key: 'k-1' });
	});

	it('takes a read options object for a literal GET or HEAD', () => {
		expectTypeOf(api.request('HEAD', 'bookings', { operation: 'probe', body: null })).toEqualTypeOf<
			Promise<IdemResult<unknown>>
		>();
	});

	it('takes every option when the method is known only at run time (the call checks them before sending)', () => {
		const method: string = 'GET';
		void api.request(method, 'bookings', { json: {}, body: 'x', key: 'k-1' });
	});
});

describe('writes', () => {
	it('take json, a body, a key and an operation', () => {
		void api.post('bookings', { json: { classId: 'c7' }, key: 'k-1', operation: 'book:u42:c7' });
		void api.put('bookings/1', { body: 'x', key: 'k-2' });
		void api.patch('bookings/1', { json: [], operation: 'patch:1' });
		void api.delete('bookings/1', { json: { reason: 'dup' }, key: 'k-3' });
		void api.request('POST', 'bookings', { json: {}, key: 'k-4' });
		void api.request('options', 'bookings', { body: 'x' });
	});

	it('have the call options as their parameter', () => {
		expectTypeOf(api.post).parameter(1).toEqualTypeOf<CallOptions<unknown> | undefined>();
		expectTypeOf(api.request<unknown, 'PUT'>)
			.parameter(2)
			.toEqualTypeOf<CallOptions<unknown> | undefined>();
	});
});
