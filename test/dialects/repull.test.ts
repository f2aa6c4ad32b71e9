import { describe, expect, it, vi } from 'vitest';
import { InvalidRequestError, KeyExpiredError, OutcomeUnknownError, repull } from '../../src/index.js';
import { dialectHarness, FAST, HOUR } from './harness.js';

const BASE = 'https://repull.api.test/v1/';

const { serve, client } = dialectHarness('repull', BASE);

describe('repull: keys on POST/PUT/PATCH only', () => {
	it.each([
		['POST', 'bookings', true],
		['PUT', 'bookings/b1', true],
		['PATCH', 'bookings/b1', true],
		['GET', 'bookings/b1', false],
		['DELETE', 'bookings/b1', false],
	])('%s %s carries a key: %s', async (method, path, keyed) => {
		const state = serve({ bookings: [{ id: 'b1', status: 'confirmed' }] });
		const body = ['POST', 'PUT', 'PATCH'].includes(method) ? { json: { seats: 1 } } : {};
		const res = await client().request(method, path, body);
		expect(res.key !== undefined).toBe(keyed);
		expect(state.requests).toHaveLength(1);
		expect(state.requests[0]?.key).toBe(res.key ?? null);
	});

	it.each([
		['a space', 'a b'],
		['a double quote', 'a"b'],
	])('refuses a key with %s before any request', async (_why, key) => {
		const state = serve();
		await expect(client().post('bookings', { json: {}, key })).rejects.toBeInstanceOf(InvalidRequestError);
		expect(state.requests).toHaveLength(0);
	});
});

describe('repull: Idempotency-Status: cached', () => {
	it('reports replayed: false on a first answer', async () => {
		serve();
		const res = await client().post('bookings', { json: { classId: 'c7' } });
		expect(res.replayed).toBe(false);
	});

	it('after a network error past commit, the retry is a replay: replayed true, one effect', async () => {
		const state = serve({ faults: ['drop-after-commit'] });
		const res = await client().post('bookings', { json: { classId: 'c7' } });
		expect(res.replayed).toBe(true);
		expect(res.headers.get('idempotency-status')).toBe('cached');
		expect(state.requests.map((r) => r.key)).toEqual([res.key, res.key]);
		expect(state.effects.get(res.key as string)).toBe(1);
	});

	it('retries 5xx with the same key', async () => {
		const state = serve({
			bookings: [{ id: 'b1', status: 'confirmed' }],
			faults: ['503-before', '503-after'],
		});
		const res = await client().patch('bookings/b1', { json: { seats: 3 } });
		expect(res.replayed).toBe(true);
		expect(state.requests.map((r) => r.key)).toEqual([res.key, res.key, res.key]);
		expect(state.effectCount).toBe(1);
	});

	it('keeps keys per workspace: the same key from two workspaces is two requests', async () => {
		const state = serve();
		const one = client({ headers: { authorization: 'Bearer ws-1' } });
		const two = client({ headers: { authorization: 'Bearer ws-2' } });
		const a = await one.post('bookings', { json: {}, key: 'same' });
		const b = await two.post('bookings', { json: {}, key: 'same' });
		expect([a.replayed, b.replayed]).toEqual([false, false]);
		expect(state.effects.get('same')).toBe(2);
	});
});

describe('repull: keys are kept 24 h', () => {
	it('declares 24 h retention', () => {
		expect(repull.retentionMs).toBe(24 * HOUR);
	});

	it('refuses to resume an interrupted operation 24 h later (KeyExpiredError) without sending', async () => {
		vi.useFakeTimers({ toFake: ['Date'] });
		const state = serve({ faults: ['drop-after-commit', 'drop-before'] });
		const api = client({ retry: { ...FAST, limit: 1 } });
		await expect(api.post('bookings', { json: {}, operation: 'op' })).rejects.toBeInstanceOf(
			OutcomeUnknownError,
		);
		vi.setSystemTime(Date.now() + 24 * HOUR);
		await expect(api.post('bookings', { json: {}, operation: 'op' })).rejects.toBeInstanceOf(KeyExpiredError);
		expect(state.requests).toHaveLength(2);
	});
});
