import { describe, expect, it } from 'vitest';
import {
	type DialectName,
	defineDialect,
	InProgressError,
	KeyReuseError,
	RequestRejectedError,
} from '../../src/index.js';
import type { Fault } from '../../src/testing/index.js';
import { settleInVirtualTime, useVirtualTime } from '../helpers/virtual-time.js';
import { dialectHarness, FAST, type ServeOptions } from './harness.js';

// The client below is configured with no dialect: these are the safe default's answers to servers it knows
// nothing about ("acme", an IETF-like server with its own replay header and a bare 409 for "in progress"),
// and to the other dialects' servers when nobody told it which API it talks to.
const BASE = 'https://acme.api.test/v1/';
const acme = defineDialect({
	name: 'acme',
	replayHeaders: [{ name: 'Idempotency-Replayed', value: 'true' }],
});

const harness = dialectHarness(acme, BASE, { clientDialect: undefined });
const { client } = harness;

function serve(options: ServeOptions = {}, as: DialectName | typeof acme = acme) {
	// acme says "in progress" with a bare 409; the named dialects keep their own servers' answers.
	const profile = as === acme ? { answers: { inProgress: { status: 409 } } } : {};
	return harness.serveAs(as, { ...options, profile });
}

describe('default dialect: keys', () => {
	it('is ietf', () => {
		expect(client().dialect.name).toBe('ietf');
	});

	it('sends an explicit key as a raw token, byte for byte, not quoted', async () => {
		const state = serve();
		await client().post('bookings', { json: {}, key: 'order:42/b' });
		expect(state.requests[0]?.key).toBe('order:42/b');
	});

	it('resends the same body bytes on every attempt', async () => {
		const state = serve({ faults: ['503-before', 'drop-before'] });
		const body = '{ "b": 2,   "a": 1 }';
		await client().post('bookings', { body, headers: { 'content-type': 'application/json' } });
		expect(state.requests.map((r) => r.body)).toEqual([body, body, body]);
	});
});

describe('default dialect: replay detection from every known replay header', () => {
	it.each([
		['acme', 'Idempotency-Replayed'],
		['stripe', 'Idempotent-Replayed'],
		['bardge', 'X-Idempotent-Replayed'],
		['repull', 'Idempotency-Status'],
	] as const)('against %s (%s): undefined on a first answer, true on a replay', async (name, header) => {
		const state = serve({ faults: ['pass', 'drop-after-commit'] }, name === 'acme' ? acme : name);
		const api = client();
		const first = await api.post('bookings', { json: { n: 1 } });
		const replay = await api.post('bookings', { json: { n: 2 } });
		expect(first.replayed).toBeUndefined();
		expect(replay.replayed).toBe(true);
		expect(replay.headers.has(header)).toBe(true);
		expect(state.effectCount).toBe(2);
	});
});

describe('default dialect: retried with the same key', () => {
	it.each([
		['a network error before the server', 'drop-before'],
		['a network error after commit', 'drop-after-commit'],
		['503', '503-before'],
		['500', '500'],
		['502', { status: 502 }],
		['429', '429'],
		['a bare 409 (request outstanding)', { status: 409 }],
	] as [string, Fault][])('after %s', async (_what, fault) => {
		const state = serve({ faults: [fault] });
		const res = await client().post('bookings', { json: { classId: 'c7' } });
		expect(res.status).toBe(201);
		expect(state.requests.map((r) => r.key)).toEqual([res.key, res.key]);
		expect(state.effectCount).toBe(1);
	});

	it('after a timeout, waiting out the bare 409s while the first attempt is still processed', async () => {
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
		// The timed-out first attempt, at least one bare 409 while it ran, then the replay.
		expect(state.requests.length).toBeGreaterThanOrEqual(3);
		expect(res.attempts).toBe(state.requests.length);
		expect(state.requests.every((r) => r.key === res.key)).toBe(true);
		expect(state.effectCount).toBe(1);
	});

	it('raises InProgressError when bare 409s outlast the in-progress budget', async () => {
		const state = serve({ faults: [{ status: 409 }, { status: 409 }, { status: 409 }] });
		const error = await client({ retry: { ...FAST, inProgressLimit: 2 } })
			.post('bookings', { json: {} })
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(InProgressError);
		expect((error as InProgressError).attempts).toBe(3);
		expect(state.requests).toHaveLength(3);
		expect(new Set(state.requests.map((r) => r.key))).toEqual(new Set([(error as InProgressError).key]));
	});
});

describe('default dialect: never retried', () => {
	it.each([
		['idempotency_key_reused', { error: 'idempotency_error', code: 'idempotency_key_reused' }, KeyReuseError],
		['idempotency_key_conflict', { error: { code: 'idempotency_key_conflict' } }, KeyReuseError],
		['idempotency_error', { error: { type: 'idempotency_error' } }, KeyReuseError],
		['already_cancelled', { error: 'already_cancelled' }, RequestRejectedError],
		['a business conflict', { code: 'class_full' }, RequestRejectedError],
	])('a 409 naming %s', async (_what, body, type) => {
		const state = serve({ faults: [{ status: 409, body }] });
		const error = await client()
			.post('bookings', { json: {} })
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(type);
		expect((error as KeyReuseError | RequestRejectedError).status).toBe(409);
		expect(state.requests).toHaveLength(1);
	});

	it.each([400, 417, 422])('a %i', async (status) => {
		const state = serve({ faults: [{ status, body: { error: { code: 'bad' } } }] });
		const error = await client()
			.post('bookings', { json: {} })
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(RequestRejectedError);
		expect((error as RequestRejectedError).status).toBe(status);
		expect(state.requests).toHaveLength(1);
	});

	it.each(['bardge', '42min'] as const)(
		"%s's 409 for the same key with another body: KeyReuseError",
		async (name) => {
			const state = serve({}, name);
			await client().post('bookings', { json: { n: 1 }, key: 'k-1' });
			const error = await client()
				.post('bookings', { json: { n: 2 }, key: 'k-1' })
				.catch((e: unknown) => e);
			expect(error).toBeInstanceOf(KeyReuseError);
			expect((error as KeyReuseError).source).toBe('server');
			expect(state.requests).toHaveLength(2);
		},
	);
});
