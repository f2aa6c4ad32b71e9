import { describe, expect, it, vi } from 'vitest';
import { createClient, type DialectName, dialects } from '../../src/index.js';
import { createEmulator, type Emulator, type Fault, type FaultRates } from '../../src/testing/index.js';
import { useVirtualTime, watch } from '../helpers/virtual-time.js';
import { emulate, received, send } from './support.js';

const BOOK = { classId: 'c7', ref: 'order-1' };

describe('scripted faults, one per request in arrival order, over real sockets', () => {
	it('drop-before resets the connection before processing: nothing applied, the key stays free', async () => {
		const emulator = await emulate({ dialect: 'stripe', faults: ['drop-before'] });
		await expect(send(emulator, 'POST', 'bookings', { key: 'k', json: BOOK })).rejects.toThrow();
		expect(emulator.state.effectCount).toBe(0);
		const retry = await send(emulator, 'POST', 'bookings', { key: 'k', json: BOOK });
		expect(retry.status).toBe(201);
		expect(retry.headers.get('idempotent-replayed')).toBeNull();
	});

	it('drop-after-commit applies the effect, then destroys the connection; the retry gets the replay', async () => {
		const emulator = await emulate({ dialect: 'bardge', faults: ['drop-after-commit'] });
		await expect(send(emulator, 'POST', 'bookings', { key: 'k', json: BOOK })).rejects.toThrow();
		expect(emulator.state.effectCount).toBe(1);
		const retry = await send(emulator, 'POST', 'bookings', { key: 'k', json: BOOK });
		expect(retry.headers.get('x-idempotent-replayed')).toBe('true');
		expect(emulator.state.effectCount).toBe(1);
	});

	it('503-before answers 503 and applies nothing', async () => {
		const emulator = await emulate({ dialect: 'ietf', faults: ['503-before'] });
		expect((await send(emulator, 'POST', 'bookings', { key: 'k', json: BOOK })).status).toBe(503);
		expect(emulator.state.effectCount).toBe(0);
	});

	it('503-after applies the effect; stripe replays the 503, the others replay the real answer', async () => {
		const stripe = await emulate({ dialect: 'stripe', faults: ['503-after'] });
		expect((await send(stripe, 'POST', 'bookings', { key: 'k', json: BOOK })).status).toBe(503);
		expect((await send(stripe, 'POST', 'bookings', { key: 'k', json: BOOK })).status).toBe(503);
		expect(stripe.state.effectCount).toBe(1);
		const ietf = await emulate({ dialect: 'ietf', faults: ['503-after'] });
		expect((await send(ietf, 'POST', 'bookings', { key: 'k', json: BOOK })).status).toBe(503);
		expect(await send(ietf, 'POST', 'bookings', { key: 'k', json: BOOK })).toMatchObject({
			status: 201,
			body: { ...BOOK, id: 'b1' },
		});
		expect(ietf.state.effectCount).toBe(1);
	});

	it('500 fails processing with no effect', async () => {
		const emulator = await emulate({ dialect: 'repull', faults: ['500'] });
		expect((await send(emulator, 'POST', 'bookings', { key: 'k', json: BOOK })).status).toBe(500);
		expect(emulator.state.effectCount).toBe(0);
	});

	it('429 asks to retry at once and applies nothing', async () => {
		const emulator = await emulate({ dialect: '42min', faults: ['429'] });
		const limited = await send(emulator, 'POST', 'bookings', { key: 'k', json: BOOK });
		expect(limited.status).toBe(429);
		expect(limited.headers.get('retry-after')).toBe('0');
		expect(emulator.state.effectCount).toBe(0);
	});

	it('in-progress gives the dialect answer; a blocking dialect refuses to script it', async () => {
		const emulator = await emulate({ dialect: '42min', faults: ['in-progress'] });
		expect(await send(emulator, 'POST', 'bookings', { key: 'k', json: BOOK })).toMatchObject({
			status: 409,
			body: { error: { code: 'idempotency_in_progress' } },
		});
		await expect(createEmulator({ dialect: 'bardge', faults: ['in-progress'] })).rejects.toThrow(TypeError);
	});

	it('latency delays the answer and is recorded', async () => {
		useVirtualTime();
		const emulator = await emulate({ dialect: 'problem', faults: [{ latencyMs: 120 }] });
		const answer = watch(send(emulator, 'POST', 'bookings', { key: 'k', json: BOOK }));
		await received(emulator, 1);
		await vi.advanceTimersByTimeAsync(119);
		expect(emulator.state.effectCount).toBe(0);
		await vi.advanceTimersByTimeAsync(1);
		expect((await answer.outcome).value?.status).toBe(201);
		expect(emulator.state.requests[0]).toMatchObject({ latencyMs: 120, fault: 'pass' });
	});
});

/** Sends `count` distinct keyed bookings one after another; returns what the server saw of each. */
async function sequence(emulator: Emulator, count: number) {
	for (let i = 0; i < count; i++) {
		await send(emulator, 'POST', 'bookings', { key: `k${i}`, json: { n: i } }).catch(() => undefined);
	}
	return emulator.state.requests.map(({ fault, latencyMs, holdMs }) => ({ fault, latencyMs, holdMs }));
}

describe('faults drawn from rates', () => {
	const rates: FaultRates = {
		dropAfterCommit: 0.1,
		dropBefore: 0.1,
		unavailableBefore: 0.1,
		unavailableAfter: 0.1,
		serverError: 0.1,
		rateLimited: 0.1,
		inProgress: 0.1,
		latency: { probability: 0.3, maxMs: 3 },
		hold: { probability: 0.3, minMs: 1, maxMs: 3 },
	};

	it('the same seed gives the same fault sequence; another seed another one', async () => {
		const a = await sequence(await emulate({ dialect: 'ietf', faults: rates, seed: 7 }), 60);
		const b = await sequence(await emulate({ dialect: 'ietf', faults: rates, seed: 7 }), 60);
		const c = await sequence(await emulate({ dialect: 'ietf', faults: rates, seed: 8 }), 60);
		expect(b).toEqual(a);
		expect(c).not.toEqual(a);
		const kinds = new Set(a.map((r) => r.fault));
		for (const kind of [
			'pass',
			'drop-after-commit',
			'drop-before',
			'503-before',
			'503-after',
			'500',
			'429',
			'in-progress',
		] as Fault[]) {
			expect(kinds).toContain(kind);
		}
		expect(a.some((r) => r.latencyMs > 0)).toBe(true);
		expect(a.some((r) => r.holdMs > 0)).toBe(true);
	});

	it('a blocking dialect answers drawn in-progress faults normally', async () => {
		const emulator = await emulate({ dialect: 'bardge', faults: { inProgress: 1 }, seed: 1 });
		expect((await send(emulator, 'POST', 'bookings', { key: 'k', json: BOOK })).status).toBe(201);
	});

	it.each([
		[{ dropBefore: 1.5 }, /dropBefore/],
		[{ dropBefore: 0.6, serverError: 0.6 }, /add up to/],
		[{ latency: { probability: 0.5, minMs: 10, maxMs: 5 } }, /latency/],
		[{ typo: 0.1 } as FaultRates, /Unknown fault rate "typo"/],
	])('refuses bad rates %j with a RangeError naming the field', async (bad, message) => {
		await expect(createEmulator({ dialect: 'ietf', faults: bad })).rejects.toThrow(message);
	});
});

describe('the duplicate detector', () => {
	it('catches a client that resends under a new key after a dropped answer', async () => {
		const emulator = await emulate({ dialect: 'bardge', faults: ['drop-after-commit'] });
		await expect(send(emulator, 'POST', 'bookings', { key: 'first', json: BOOK })).rejects.toThrow();
		await send(emulator, 'POST', 'bookings', { key: 'second', json: BOOK });
		expect(emulator.state.duplicates()).toEqual([['order-1', 2]]);
		expect(emulator.state.effects.get('first')).toBe(1);
		expect(emulator.state.effects.get('second')).toBe(1);
	});

	it('catches a key-less endpoint applied twice (the business rule: one effect per path)', async () => {
		const emulator = await emulate({
			dialect: 'ietf',
			bookings: [{ id: 'b1', status: 'confirmed' }],
			profile: { keyedMethods: [] },
		});
		await send(emulator, 'PATCH', 'bookings/b1', { json: { seats: 2 } });
		await send(emulator, 'PATCH', 'bookings/b1', { json: { seats: 2 } });
		expect(emulator.state.duplicates()).toEqual([['PATCH /bookings/b1', 2]]);
	});

	it.each(Object.keys(dialects) as DialectName[])(
		'%s: an idemkey client retrying after a dropped answer leaves no duplicate',
		async (dialect) => {
			const emulator = await emulate({ dialect, faults: ['drop-after-commit', '503-before'] });
			const api = createClient({ baseUrl: emulator.url, dialect, retry: { baseDelay: 1, maxDelay: 5 } });
			const res = await api.post('bookings', { json: BOOK });
			expect(res.status).toBe(201);
			expect(emulator.state.requests).toHaveLength(3);
			expect(emulator.state.effectCount).toBe(1);
			expect(emulator.state.duplicates()).toEqual([]);
		},
	);
});
