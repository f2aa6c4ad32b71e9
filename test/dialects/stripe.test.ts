import { describe, expect, it, vi } from 'vitest';
import {
	defineDialect,
	InProgressError,
	InvalidRequestError,
	KeyExpiredError,
	KeyReuseError,
	OutcomeUnknownError,
	RequestRejectedError,
	stripe,
} from '../../src/index.js';
import { dialectHarness, FAST, HOUR } from './harness.js';

const BASE = 'https://stripe.api.test/v1/';

const { serve, client } = dialectHarness('stripe', BASE);

describe('stripe: keys', () => {
	it.each([
		['POST', 'bookings', true],
		['DELETE', 'bookings/b1', false],
		['GET', 'bookings/b1', false],
	])('%s %s carries a key: %s', async (method, path, keyed) => {
		const state = serve({ bookings: [{ id: 'b1', status: 'confirmed' }] });
		const res = await client().request(method, path, method === 'POST' ? { json: {} } : {});
		expect(res.key !== undefined).toBe(keyed);
		expect(state.requests[0]?.key).toBe(res.key ?? null);
	});

	it.each([
		['256 characters', 'k'.repeat(256)],
		['a space', 'two words'],
		['a double quote', 'say"hi'],
	])('refuses a key with %s before any request', async (_why, key) => {
		const state = serve();
		const error = await client()
			.post('bookings', { json: {}, key })
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(InvalidRequestError);
		expect(state.requests).toHaveLength(0);
	});

	it('sends a 255-character key', async () => {
		const state = serve();
		const key = 'k'.repeat(255);
		await client().post('bookings', { json: {}, key });
		expect(state.requests[0]?.key).toBe(key);
	});

	it('keys are optional: a POST without one is processed', async () => {
		const state = serve();
		const unkeyed = defineDialect({ ...stripe, name: 'stripe-unkeyed', keyedMethods: [] });
		const res = await client({ dialect: unkeyed }).post('bookings', { json: { classId: 'c1' } });
		expect(res.status).toBe(201);
		expect(state.requests[0]?.key).toBeNull();
	});
});

describe('stripe: Idempotent-Replayed', () => {
	it('reports replayed: false on a first answer', async () => {
		serve();
		const res = await client().post('bookings', { json: { classId: 'c7' } });
		expect(res.replayed).toBe(false);
	});

	it('after a network error past commit, the retry is a replay: replayed true, one effect', async () => {
		const state = serve({ faults: ['drop-after-commit'] });
		const res = await client().post('bookings', { json: { classId: 'c7' } });
		expect(res.status).toBe(201);
		expect(res.replayed).toBe(true);
		expect(res.headers.get('idempotent-replayed')).toBe('true');
		expect(state.requests.map((r) => r.key)).toEqual([res.key, res.key]);
		expect(state.effects.get(res.key as string)).toBe(1);
	});

	it('retries 5xx with the same key', async () => {
		const state = serve({ faults: ['503-before', '503-before'] });
		const res = await client().post('bookings', { json: { classId: 'c7' } });
		expect(res.replayed).toBe(false);
		expect(state.requests.map((r) => r.key)).toEqual([res.key, res.key, res.key]);
		expect(state.effectCount).toBe(1);
	});
});

describe('stripe: stored errors are replayed', () => {
	it('does not retry a replayed 500 (it cannot change) and surfaces OutcomeUnknownError', async () => {
		const state = serve({ faults: ['500'] });
		const error = await client()
			.post('bookings', { json: { classId: 'c7' } })
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(OutcomeUnknownError);
		expect((error as OutcomeUnknownError).status).toBe(500);
		expect((error as OutcomeUnknownError).reason).toBe('server_error');
		// The first 500, then its replay; no third request.
		expect(state.requests).toHaveLength(2);
		expect(state.effectCount).toBe(0);
	});

	it('replays a stored 4xx to a later request with the same key, even once the state changed', async () => {
		const state = serve();
		const first = await client()
			.post('bookings/b9/cancel', { key: 'cancel-b9' })
			.catch((e: unknown) => e);
		expect(first).toBeInstanceOf(RequestRejectedError);
		expect((first as RequestRejectedError).status).toBe(404);
		state.bookings.set('b9', { id: 'b9', status: 'confirmed' });
		const again = await client()
			.post('bookings/b9/cancel', { key: 'cancel-b9' })
			.catch((e: unknown) => e);
		expect(again).toBeInstanceOf(RequestRejectedError);
		expect((again as RequestRejectedError).errorCode).toBe('resource_missing');
		expect((again as RequestRejectedError).headers.get('idempotent-replayed')).toBe('true');
		expect(state.bookings.get('b9')?.status).toBe('confirmed');
	});
});

describe('stripe: 409 idempotency_key_in_use', () => {
	it('is retried with the same key, then succeeds', async () => {
		const state = serve({ faults: ['in-progress', 'in-progress'] });
		const res = await client().post('bookings', { json: { classId: 'c7' } });
		expect(res.status).toBe(201);
		expect(state.requests.map((r) => r.key)).toEqual([res.key, res.key, res.key]);
		expect(state.effectCount).toBe(1);
	});

	it('covers a timed-out attempt still running: the retries wait for it and get its stored answer', async () => {
		const state = serve({ latencyMs: 80 });
		const res = await client({
			timeout: 20,
			retry: { baseDelay: 1, maxDelay: 20, inProgressDelay: 10, inProgressLimit: 30 },
		}).post('bookings', { json: { classId: 'c7' } });
		expect(res.status).toBe(201);
		expect(res.replayed).toBe(true);
		expect(state.requests.length).toBeGreaterThanOrEqual(3);
		expect(state.requests.every((r) => r.key === res.key)).toBe(true);
		expect(state.effectCount).toBe(1);
	});

	it('raises InProgressError when the in-progress budget runs out', async () => {
		const state = serve({ faults: ['in-progress', 'in-progress', 'in-progress'] });
		const error = await client({ retry: { ...FAST, inProgressLimit: 1 } })
			.post('bookings', { json: {} })
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(InProgressError);
		expect(state.requests).toHaveLength(2);
	});
});

describe('stripe: 400 idempotency_error', () => {
	it('raises KeyReuseError from the server for the same key with other parameters, never retried', async () => {
		const state = serve();
		await client().post('bookings', { json: { classId: 'c7' }, key: 'order-1' });
		const error = await client()
			.post('bookings', { json: { classId: 'c8' }, key: 'order-1' })
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(KeyReuseError);
		expect((error as KeyReuseError).source).toBe('server');
		expect((error as KeyReuseError).status).toBe(400);
		expect(state.requests).toHaveLength(2);
		expect(state.effectCount).toBe(1);
	});
});

describe('stripe: keys are kept at least 24 h', () => {
	it('declares 24 h retention', () => {
		expect(stripe.retentionMs).toBe(24 * HOUR);
	});

	// An operation whose first attempt landed but whose answer was lost, then whose retry failed too.
	async function interrupted() {
		vi.useFakeTimers({ toFake: ['Date'] });
		const state = serve({ faults: ['drop-after-commit', 'drop-before'] });
		const api = client({ retry: { ...FAST, limit: 1 } });
		await expect(api.post('bookings', { json: {}, operation: 'op' })).rejects.toBeInstanceOf(
			OutcomeUnknownError,
		);
		return { state, api };
	}

	it('resumes an interrupted operation 23 h later with the same key and gets the replay', async () => {
		const { state, api } = await interrupted();
		vi.setSystemTime(Date.now() + 23 * HOUR);
		const res = await api.post('bookings', { json: {}, operation: 'op' });
		expect(res.replayed).toBe(true);
		expect(state.requests).toHaveLength(3);
		expect(state.effectCount).toBe(1);
	});

	it('refuses to resume it 24 h later (KeyExpiredError) without sending', async () => {
		const { state, api } = await interrupted();
		vi.setSystemTime(Date.now() + 24 * HOUR);
		await expect(api.post('bookings', { json: {}, operation: 'op' })).rejects.toBeInstanceOf(KeyExpiredError);
		expect(state.requests).toHaveLength(2);
		expect(state.effectCount).toBe(1);
	});
});
