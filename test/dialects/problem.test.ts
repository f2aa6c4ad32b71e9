import { describe, expect, it } from 'vitest';
import { InvalidRequestError, KeyReuseError, problem } from '../../src/index.js';
import { dialectHarness } from './harness.js';

const BASE = 'https://manage.api.test/v1/';
const seed = [
	{ id: 'b1', status: 'confirmed' as const },
	{ id: 'b2', status: 'confirmed' as const },
];

const { serve, client } = dialectHarness('problem', BASE, { defaults: { bookings: seed } });

describe('problem: every non-GET write carries a key', () => {
	it.each([
		['POST', 'bookings', true],
		['PUT', 'bookings/b1', true],
		['PATCH', 'bookings/b1', true],
		['DELETE', 'bookings/b1', true],
		['GET', 'bookings/b1', false],
	])('%s %s carries a key: %s', async (method, path, keyed) => {
		const state = serve();
		const body = ['POST', 'PUT', 'PATCH'].includes(method) ? { json: { seats: 1 } } : {};
		const res = await client().request(method, path, body);
		expect(res.key !== undefined).toBe(keyed);
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

describe('problem: no replay signal', () => {
	it('declares no retention and no replay header', () => {
		expect(problem.retentionMs).toBeUndefined();
		expect(problem.replayHeaders).toEqual([]);
	});

	it('after a network error past commit, the retry gets the stored answer: replayed undefined, one effect', async () => {
		const state = serve({ faults: ['drop-after-commit'] });
		const res = await client().put('bookings/b1', { json: { seats: 4 } });
		expect(res.status).toBe(200);
		expect(res.replayed).toBeUndefined();
		expect(state.requests.map((r) => r.key)).toEqual([res.key, res.key]);
		expect(state.effects.get(res.key as string)).toBe(1);
	});

	it('retries 5xx with the same key', async () => {
		const state = serve({ faults: ['503-before', '503-after'] });
		const res = await client().delete('bookings/b1');
		expect(res.status).toBe(204);
		expect(state.requests.map((r) => r.key)).toEqual([res.key, res.key, res.key]);
		expect(state.effectCount).toBe(1);
	});
});

describe('problem: 409 problem body when method + path + body + key do not all match', () => {
	it.each([
		['another body', 'PUT', 'bookings/b1', { seats: 5 }],
		['another path', 'PUT', 'bookings/b2', { seats: 4 }],
		['another method', 'PATCH', 'bookings/b1', { seats: 4 }],
	])('raises KeyReuseError from the server for %s, never retried', async (_what, method, path, json) => {
		const state = serve();
		await client().put('bookings/b1', { json: { seats: 4 }, key: 'k-1' });
		const error = await client()
			.request(method, path, { json, key: 'k-1' })
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(KeyReuseError);
		expect((error as KeyReuseError).source).toBe('server');
		expect((error as KeyReuseError).status).toBe(409);
		expect((error as KeyReuseError).body).toMatchObject({ type: 'about:blank', status: 409 });
		expect(state.requests).toHaveLength(2);
		expect(state.effectCount).toBe(1);
	});
});
