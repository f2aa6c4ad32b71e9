// docs/dialects/custom.md: testing a custom dialect against a server that behaves like the API.
import { createClient, KeyReuseError } from 'idemkey';
import { dialectHandlers } from 'idemkey/testing/msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { acme } from './custom-dialect.js';

const baseUrl = 'https://api.acme.test/v2/';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

// The mock serves a booking API with Acme's key header, methods, key length, retention and replay header; its
// error answers are overridden with Acme's bodies.
const serve = (faults: Parameters<typeof dialectHandlers>[1]['faults'] = []) => {
	const mock = dialectHandlers(acme, {
		baseUrl,
		faults,
		profile: {
			answers: { mismatch: { status: 422, body: { error: { code: 'idempotency_key_mismatch' } } } },
		},
	});
	server.use(...mock);
	return mock.state;
};
const client = () => createClient({ baseUrl, dialect: acme, retry: { baseDelay: 1, maxDelay: 5 } });

it('resends a lost answer under the same key and reports the replay', async () => {
	const state = serve(['drop-after-commit']);
	const res = await client().post('bookings', { json: { classId: 'c7' } });
	expect(res.attempts).toBe(2);
	expect(res.replayed).toBe(true);
	expect(state.requests.map((r) => r.headers.get('acme-idempotency-key'))).toEqual([res.key, res.key]);
	expect(state.effectCount).toBe(1);
});

it('reports a key reused with another body as KeyReuseError, without retrying', async () => {
	const state = serve();
	await client().post('bookings', { json: { classId: 'c7' }, key: 'order-1' });
	const error = await client()
		.post('bookings', { json: { classId: 'c8' }, key: 'order-1' })
		.catch((e: unknown) => e);
	expect(error).toBeInstanceOf(KeyReuseError);
	expect(state.requests).toHaveLength(2);
});
