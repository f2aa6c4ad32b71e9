import { describe, expect, it, vi } from 'vitest';
import {
	defineDialect,
	InProgressError,
	ietf,
	KeyExpiredError,
	KeyMissingError,
	KeyReuseError,
	OutcomeUnknownError,
	RequestRejectedError,
} from '../../src/index.js';
import { dialectHarness, FAST } from './harness.js';

const BASE = 'https://ietf.api.test/v1/';
const seed = [{ id: 'b1', status: 'confirmed' as const, classId: 'c1' }];

const { serve, client } = dialectHarness('ietf', BASE);

describe('ietf: keys', () => {
	it('sends the key as a raw token: a bare UUID, not a quoted string', async () => {
		const state = serve();
		const res = await client().post('bookings', { json: { seats: 2 } });
		expect(res.key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[47][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
		expect(state.requests[0]?.key).toBe(res.key);
	});
});

describe('ietf: in progress (409)', () => {
	it('retries the draft 409 "request outstanding" problem with the same key, then succeeds', async () => {
		const state = serve({ faults: ['in-progress', 'in-progress'] });
		const res = await client().post('bookings', { json: { classId: 'c7' } });
		expect(res.status).toBe(201);
		expect(state.requests.map((r) => r.key)).toEqual([res.key, res.key, res.key]);
		expect(state.effectCount).toBe(1);
	});

	it('raises InProgressError when the in-progress budget runs out', async () => {
		const state = serve({ faults: ['in-progress', 'in-progress', 'in-progress', 'in-progress'] });
		const error = await client({ retry: { ...FAST, inProgressLimit: 2 } })
			.post('bookings', { json: {} })
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(InProgressError);
		expect((error as InProgressError).attempts).toBe(3);
		expect(state.requests).toHaveLength(3);
		expect(state.effectCount).toBe(0);
	});
});

describe('ietf: same key, other payload (422)', () => {
	it('fingerprints bytes: idemkey sends canonical JSON, so the same JSON with keys in another order is the same payload', async () => {
		const state = serve();
		const first = await client().post('bookings', { json: { a: 1, b: 2 }, key: 'order-key' });
		const second = await client().post('bookings', { json: { b: 2, a: 1 }, key: 'order-key' });
		expect(second.data).toEqual(first.data);
		expect(state.requests.map((r) => r.body)).toEqual(['{"a":1,"b":2}', '{"a":1,"b":2}']);
		expect(state.effectCount).toBe(1);
	});

	it('raises KeyReuseError (server) for another payload under the same key', async () => {
		const state = serve();
		await client().post('bookings', { json: { a: 1, b: 2 }, key: 'order-key' });
		const error = await client()
			.post('bookings', { json: { a: 1, b: 3 }, key: 'order-key' })
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(KeyReuseError);
		expect((error as KeyReuseError).source).toBe('server');
		expect((error as KeyReuseError).status).toBe(422);
		expect(state.effectCount).toBe(1);
	});

	it('keeps a plain validation 422 a RequestRejectedError, not a key reuse', async () => {
		const state = serve();
		const error = await client()
			.post('bookings', { json: [1, 2] })
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(RequestRejectedError);
		expect((error as RequestRejectedError).status).toBe(422);
		expect(state.requests).toHaveLength(1);
	});
});

describe('ietf: missing key (400)', () => {
	it('raises KeyMissingError when the server requires a key the call did not send, without retrying', async () => {
		const state = serve({ bookings: seed });
		const noDeleteKeys = defineDialect({ ...ietf, name: 'ietf-without-delete-keys', keyedMethods: ['POST'] });
		const error = await client({ dialect: noDeleteKeys })
			.delete('bookings/b1')
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(KeyMissingError);
		expect((error as KeyMissingError).status).toBe(400);
		expect(state.requests).toHaveLength(1);
		expect(state.requests[0]?.key).toBeNull();
		expect(state.bookings.has('b1')).toBe(true);
	});
});

describe('ietf: retention is documented by each server', () => {
	it('with the retention a server documents, refuses to resume an interrupted operation after it', async () => {
		vi.useFakeTimers({ toFake: ['Date'] });
		const state = serve({ faults: ['drop-after-commit', 'drop-before'] });
		const documented = defineDialect({ ...ietf, name: 'ietf-24h', retentionMs: 86_400_000 });
		const api = client({ dialect: documented, retry: { ...FAST, limit: 1 } });
		const first = await api.post('bookings', { json: {}, operation: 'op-1' }).catch((e: unknown) => e);
		expect(first).toBeInstanceOf(OutcomeUnknownError);
		vi.setSystemTime(Date.now() + 86_400_000);
		const error = await api.post('bookings', { json: {}, operation: 'op-1' }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(KeyExpiredError);
		expect((error as KeyExpiredError).operation).toBe('op-1');
		expect(state.requests).toHaveLength(2);
		expect(state.effectCount).toBe(1);
	});
});
