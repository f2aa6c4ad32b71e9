import { describe, expect, it } from 'vitest';
import { KeyReuseError } from '../../src/index.js';
import { dialectHarness } from './harness.js';

const BASE = 'https://manage.api.test/v1/';
const seed = [
	{ id: 'b1', status: 'confirmed' as const },
	{ id: 'b2', status: 'confirmed' as const },
];

const { serve, client } = dialectHarness('problem', BASE, { defaults: { bookings: seed } });

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
