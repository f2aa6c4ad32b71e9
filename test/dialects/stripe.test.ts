import { describe, expect, it } from 'vitest';
import {
	defineDialect,
	InProgressError,
	OutcomeUnknownError,
	RequestRejectedError,
	stripe,
} from '../../src/index.js';
import { settleInVirtualTime, useVirtualTime } from '../helpers/virtual-time.js';
import { dialectHarness, FAST } from './harness.js';

const BASE = 'https://stripe.api.test/v1/';

const { serve, client } = dialectHarness('stripe', BASE);

describe('stripe: keys', () => {
	it('keys are optional: a POST without one is processed', async () => {
		const state = serve();
		const unkeyed = defineDialect({ ...stripe, name: 'stripe-unkeyed', keyedMethods: [] });
		const res = await client({ dialect: unkeyed }).post('bookings', { json: { classId: 'c1' } });
		expect(res.status).toBe(201);
		expect(state.requests[0]?.key).toBeNull();
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
		expect((again as RequestRejectedError).status).toBe(404);
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
		// Virtual time: the 20 ms timeout, the 80 ms of processing and the waits between them run on one clock that
		// only the timers move, so the order of events is the same on any machine.
		useVirtualTime();
		const res = await settleInVirtualTime(
			client({
				timeout: 20,
				retry: { baseDelay: 1, maxDelay: 20, inProgressDelay: 10, inProgressLimit: 30 },
			}).post('bookings', { json: { classId: 'c7' } }),
		);
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
		expect((error as InProgressError).attempts).toBe(2);
		expect(state.requests).toHaveLength(2);
		expect(state.requests.map((r) => r.key)).toEqual([
			(error as InProgressError).key,
			(error as InProgressError).key,
		]);
		expect(state.effectCount).toBe(0);
	});
});
