import { describe, expect, it } from 'vitest';
import {
	defineDialect,
	fortyTwoMin,
	InProgressError,
	KeyMissingError,
	RequestRejectedError,
} from '../../src/index.js';
import { useVirtualTime } from '../helpers/virtual-time.js';
import { dialectHarness, FAST } from './harness.js';

const BASE = 'https://42min.api.test/v1/';

const { serve, client } = dialectHarness('42min', BASE);

describe('42min: 400 missing_idempotency_key', () => {
	it('raises KeyMissingError when a write went out without a key, never retried', async () => {
		const state = serve();
		const unkeyed = defineDialect({ ...fortyTwoMin, name: '42min-unkeyed', keyedMethods: [] });
		const error = await client({ dialect: unkeyed })
			.post('bookings', { json: {} })
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(KeyMissingError);
		expect((error as KeyMissingError).status).toBe(400);
		expect(state.requests).toHaveLength(1);
		expect(state.effectCount).toBe(0);
	});
});

describe('42min: replays repeat the status and send no signal', () => {
	it('fingerprints canonical JSON: the same body with keys in another order replays', async () => {
		const state = serve();
		const first = await client().post('bookings', { json: { classId: 'c7', seats: 2 }, key: 'k-order' });
		const second = await client().post('bookings', { json: { seats: 2, classId: 'c7' }, key: 'k-order' });
		expect(second.data).toEqual(first.data);
		expect(second.fromJournal).toBe(false);
		// idemkey sends canonical JSON: the server sees the same bytes either way.
		expect(state.requests.map((r) => [r.key, r.body])).toEqual([
			['k-order', '{"classId":"c7","seats":2}'],
			['k-order', '{"classId":"c7","seats":2}'],
		]);
		expect(state.effectCount).toBe(1);
	});

	it('keeps keys per account: the same key from two accounts is two requests', async () => {
		const state = serve();
		const acme = client({ headers: { authorization: 'Bearer acme' } });
		const globex = client({ headers: { authorization: 'Bearer globex' } });
		const a = await acme.post('bookings', { json: {}, key: 'same' });
		const b = await globex.post('bookings', { json: {}, key: 'same' });
		expect(a.data).not.toEqual(b.data);
		expect(state.effects.get('same')).toBe(2);
	});
});

describe('42min: only successes are cached', () => {
	it('a 500 frees the key: the retry (same key) is processed, not replayed', async () => {
		const state = serve({ faults: ['500'] });
		const res = await client().post('bookings', { json: { classId: 'c7' } });
		expect(res.status).toBe(201);
		expect(state.requests.map((r) => r.key)).toEqual([res.key, res.key]);
		expect(state.effectCount).toBe(1);
	});

	it('a 404 is not stored: the same key later gets a fresh answer', async () => {
		const state = serve();
		await expect(client().post('bookings/b9/cancel', { key: 'cancel-b9' })).rejects.toBeInstanceOf(
			RequestRejectedError,
		);
		state.bookings.set('b9', { id: 'b9', status: 'confirmed' });
		const res = await client().post('bookings/b9/cancel', { key: 'cancel-b9' });
		expect(res.status).toBe(200);
		expect(state.bookings.get('b9')?.status).toBe('cancelled');
	});
});

describe('42min: 409 idempotency_in_progress with Retry-After: 1', () => {
	it('honours Retry-After (waits 1 s), retries with the same key, then succeeds', async () => {
		const state = serve({ faults: ['in-progress'] });
		const started = Date.now();
		const res = await client().post('bookings', { json: { classId: 'c7' } });
		expect(Date.now() - started).toBeGreaterThanOrEqual(990);
		expect(res.status).toBe(201);
		expect(state.requests.map((r) => r.key)).toEqual([res.key, res.key]);
		expect(state.effectCount).toBe(1);
	});

	it('fails at once with InProgressError when Retry-After is longer than the time left', async () => {
		const state = serve({ faults: ['in-progress'] });
		// Virtual time never moves here: the call can only end if it does not wait.
		useVirtualTime();
		const error = await client({ retry: { ...FAST, maxRetryTime: 500 } })
			.post('bookings', { json: {} })
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(InProgressError);
		expect((error as InProgressError).retryAfterMs).toBe(1000);
		expect((error as InProgressError).attempts).toBe(1);
		expect(state.requests).toHaveLength(1);
	});
});
