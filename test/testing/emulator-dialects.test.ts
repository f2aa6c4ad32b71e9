import { describe, expect, it, vi } from 'vitest';
import type { DialectName } from '../../src/index.js';
import { useVirtualTime } from '../helpers/virtual-time.js';
import { emulate, received, send } from './support.js';

const BOOK = { classId: 'c7', clientId: 'u42' };

describe('createEmulator serves the booking API over real HTTP', () => {
	it('listens on loopback at a free port and gives a base URL ending with a slash', async () => {
		const emulator = await emulate({ dialect: 'ietf', basePath: '/v1' });
		expect(emulator.url).toBe(`http://127.0.0.1:${emulator.port}/v1/`);
		expect(emulator.port).toBeGreaterThan(0);
		const created = await send(emulator, 'POST', 'bookings', { key: 'k1', json: BOOK });
		expect(created.status).toBe(201);
		expect(await send(emulator, 'GET', `bookings/${(created.body as { id: string }).id}`)).toMatchObject({
			status: 200,
			body: { ...BOOK, status: 'confirmed' },
		});
		expect((await send(emulator, 'GET', 'nothing-here')).status).toBe(404);
	});

	it('close() is safe to call twice and frees the port', async () => {
		const emulator = await emulate({ dialect: 'stripe' });
		await Promise.all([emulator.close(), emulator.close()]);
		await expect(send(emulator, 'POST', 'bookings', { key: 'k', json: BOOK })).rejects.toThrow();
	});
});

describe('a retry with the same key gets the stored answer, marked as each dialect marks replays', () => {
	const cases: [DialectName, [string, string] | undefined][] = [
		['ietf', undefined],
		['stripe', ['idempotent-replayed', 'true']],
		['bardge', ['x-idempotent-replayed', 'true']],
		['42min', undefined],
		['repull', ['idempotency-status', 'cached']],
		['problem', undefined],
	];
	it.each(cases)('%s', async (dialect, replayHeader) => {
		const emulator = await emulate({ dialect });
		const first = await send(emulator, 'POST', 'bookings', { key: 'same', json: BOOK });
		const again = await send(emulator, 'POST', 'bookings', { key: 'same', json: BOOK });
		expect(first.status).toBe(201);
		expect(again).toMatchObject({ status: 201, body: first.body });
		if (replayHeader) {
			expect(first.headers.get(replayHeader[0])).toBeNull();
			expect(again.headers.get(replayHeader[0])).toBe(replayHeader[1]);
		}
		expect(emulator.state.effects.get('same')).toBe(1);
		expect(emulator.state.bookings.size).toBe(1);
		expect(emulator.state.duplicates()).toEqual([]);
	});
});

describe('the same key with another request gets the dialect mismatch answer and applies nothing', () => {
	const cases: [DialectName, number, unknown][] = [
		['ietf', 422, { title: 'Idempotency-Key is already used for a different request payload' }],
		['stripe', 400, { error: { type: 'idempotency_error' } }],
		['bardge', 409, { error: 'idempotency_error', code: 'idempotency_key_reused' }],
		['42min', 409, { error: { code: 'idempotency_key_conflict' } }],
		['repull', 409, { error: { code: 'idempotency_key_reused' } }],
		['problem', 409, { type: 'about:blank', status: 409 }],
	];
	it.each(cases)('%s', async (dialect, status, body) => {
		const emulator = await emulate({ dialect });
		await send(emulator, 'POST', 'bookings', { key: 'k', json: BOOK });
		const other = await send(emulator, 'POST', 'bookings', { key: 'k', json: { ...BOOK, classId: 'c8' } });
		expect(other).toMatchObject({ status, body });
		expect(emulator.state.effectCount).toBe(1);
	});

	it('42min and stripe compare canonical JSON: reordered fields are the same request', async () => {
		for (const dialect of ['42min', 'stripe'] as const) {
			const emulator = await emulate({ dialect });
			await send(emulator, 'POST', 'bookings', { key: 'k', json: { a: 1, b: 2 } });
			expect((await send(emulator, 'POST', 'bookings', { key: 'k', json: { b: 2, a: 1 } })).status).toBe(201);
			expect(emulator.state.effectCount).toBe(1);
		}
		const bytes = await emulate({ dialect: 'bardge' });
		await send(bytes, 'POST', 'bookings', { key: 'k', json: { a: 1, b: 2 } });
		expect((await send(bytes, 'POST', 'bookings', { key: 'k', json: { b: 2, a: 1 } })).status).toBe(409);
	});

	it('stripe keeps keys per account: the same key under another Authorization is a new request', async () => {
		const emulator = await emulate({ dialect: 'stripe' });
		const a = await send(emulator, 'POST', 'bookings', {
			key: 'k',
			json: BOOK,
			headers: { authorization: 'Bearer a' },
		});
		const b = await send(emulator, 'POST', 'bookings', {
			key: 'k',
			json: BOOK,
			headers: { authorization: 'Bearer b' },
		});
		expect(b.headers.get('idempotent-replayed')).toBeNull();
		expect(b.body).not.toEqual(a.body);
		expect(emulator.state.bookings.size).toBe(2);
	});
});

describe('a keyed write without a key', () => {
	it('ietf and 42min refuse it with 400 and apply nothing', async () => {
		const ietf = await emulate({ dialect: 'ietf' });
		expect(await send(ietf, 'POST', 'bookings', { json: BOOK })).toMatchObject({
			status: 400,
			body: { title: 'Idempotency-Key is missing' },
		});
		const min = await emulate({ dialect: '42min' });
		expect(await send(min, 'POST', 'bookings', { json: BOOK })).toMatchObject({
			status: 400,
			body: { error: { code: 'missing_idempotency_key' } },
		});
		expect(ietf.state.effectCount + min.state.effectCount).toBe(0);
	});

	it.each(['stripe', 'bardge', 'repull', 'problem'] as const)(
		'%s processes it unkeyed, every time',
		async (dialect) => {
			const emulator = await emulate({ dialect });
			await send(emulator, 'POST', 'bookings', { json: BOOK });
			await send(emulator, 'POST', 'bookings', { json: BOOK });
			expect(emulator.state.bookings.size).toBe(2);
		},
	);

	it('a key longer than 255 characters is refused', async () => {
		const emulator = await emulate({ dialect: 'bardge' });
		expect((await send(emulator, 'POST', 'bookings', { key: 'k'.repeat(256), json: BOOK })).status).toBe(400);
		expect(emulator.state.effectCount).toBe(0);
	});
});

describe('a duplicate arriving while the first request is processed', () => {
	const cases: [DialectName, unknown, string | null][] = [
		['ietf', { title: 'A request is outstanding for this Idempotency-Key' }, null],
		['stripe', { error: { code: 'idempotency_key_in_use' } }, null],
		['42min', { error: { code: 'idempotency_in_progress' } }, '1'],
	];
	// The hold runs on virtual time: the first request stays in processing until the test ends the hold, however long
	// the second takes to arrive.
	it.each(cases)('%s answers 409 in progress at once', async (dialect, body, retryAfter) => {
		useVirtualTime();
		const emulator = await emulate({ dialect, faults: [{ holdMs: 1_000 }] });
		const first = send(emulator, 'POST', 'bookings', { key: 'k', json: BOOK });
		await received(emulator, 1);
		const second = await send(emulator, 'POST', 'bookings', { key: 'k', json: BOOK });
		expect(second).toMatchObject({ status: 409, body });
		expect(second.headers.get('retry-after')).toBe(retryAfter);
		expect(emulator.state.effectCount).toBe(0);
		await vi.advanceTimersByTimeAsync(1_000);
		expect((await first).status).toBe(201);
		expect(emulator.state.effectCount).toBe(1);
	});

	it.each([
		['bardge', 'x-idempotent-replayed'],
		['repull', 'idempotency-status'],
		['problem', undefined],
	] as const)('%s blocks it and answers both with the one response', async (dialect, replayHeader) => {
		useVirtualTime();
		const emulator = await emulate({ dialect, faults: [{ holdMs: 1_000 }] });
		const first = send(emulator, 'POST', 'bookings', { key: 'k', json: BOOK });
		await received(emulator, 1);
		const second = send(emulator, 'POST', 'bookings', { key: 'k', json: BOOK });
		await received(emulator, 2);
		expect(emulator.state.effectCount).toBe(0);
		await vi.advanceTimersByTimeAsync(1_000);
		const [one, two] = await Promise.all([first, second]);
		expect(emulator.state.requests).toHaveLength(2);
		expect(one.status).toBe(201);
		expect(two).toMatchObject({ status: 201, body: one.body });
		if (replayHeader) expect(two.headers.get(replayHeader)).not.toBeNull();
		expect(emulator.state.effectCount).toBe(1);
	});
});

describe('key retention follows the injected clock', () => {
	it('bardge forgets a key after 90 s: the same key then applies again', async () => {
		let now = 1_000_000;
		const emulator = await emulate({ dialect: 'bardge', clock: () => now });
		await send(emulator, 'POST', 'bookings', { key: 'k', json: BOOK });
		now += 89_999;
		expect(
			(await send(emulator, 'POST', 'bookings', { key: 'k', json: BOOK })).headers.get(
				'x-idempotent-replayed',
			),
		).toBe('true');
		now += 1;
		const late = await send(emulator, 'POST', 'bookings', { key: 'k', json: BOOK });
		expect(late.headers.get('x-idempotent-replayed')).toBeNull();
		expect(emulator.state.effects.get('k')).toBe(2);
	});

	it('stripe keeps a key for 24 h', async () => {
		let now = 0;
		const emulator = await emulate({ dialect: 'stripe', clock: () => now });
		await send(emulator, 'POST', 'bookings', { key: 'k', json: BOOK });
		now += 24 * 3_600_000 - 1;
		expect(
			(await send(emulator, 'POST', 'bookings', { key: 'k', json: BOOK })).headers.get('idempotent-replayed'),
		).toBe('true');
		now += 1;
		await send(emulator, 'POST', 'bookings', { key: 'k', json: BOOK });
		expect(emulator.state.effects.get('k')).toBe(2);
	});
});

describe('error caching', () => {
	it('stripe stores a 500 under the key and replays it', async () => {
		const emulator = await emulate({ dialect: 'stripe', faults: ['500'] });
		expect((await send(emulator, 'POST', 'bookings', { key: 'k', json: BOOK })).status).toBe(500);
		const again = await send(emulator, 'POST', 'bookings', { key: 'k', json: BOOK });
		expect(again).toMatchObject({ status: 500, body: { error: { type: 'api_error' } } });
		expect(again.headers.get('idempotent-replayed')).toBe('true');
		expect(emulator.state.effectCount).toBe(0);
	});

	it.each(['42min', 'ietf', 'bardge'] as const)(
		'%s caches only successes: a retry after a 500 is processed',
		async (dialect) => {
			const emulator = await emulate({ dialect, faults: ['500'] });
			expect((await send(emulator, 'POST', 'bookings', { key: 'k', json: BOOK })).status).toBe(500);
			expect((await send(emulator, 'POST', 'bookings', { key: 'k', json: BOOK })).status).toBe(201);
			expect(emulator.state.effectCount).toBe(1);
		},
	);
});

describe('key-less endpoints', () => {
	it('bardge cancel ignores keys: the second cancel of a booking is 409 already_cancelled, one effect', async () => {
		const emulator = await emulate({ dialect: 'bardge', bookings: [{ id: 'b9', status: 'confirmed' }] });
		expect(await send(emulator, 'POST', 'bookings/b9/cancel', { key: 'k' })).toMatchObject({
			status: 200,
			body: { id: 'b9', status: 'cancelled' },
		});
		expect(await send(emulator, 'POST', 'bookings/b9/cancel', { key: 'k' })).toMatchObject({
			status: 409,
			body: { error: 'already_cancelled' },
		});
		expect(emulator.state.logicalEffects.get('POST /bookings/b9/cancel')).toBe(1);
		expect(emulator.state.keys.size).toBe(0);
	});

	it('repull DELETE takes no key: a repeated DELETE is a new request (404)', async () => {
		const emulator = await emulate({ dialect: 'repull', bookings: [{ id: 'b1', status: 'confirmed' }] });
		expect((await send(emulator, 'DELETE', 'bookings/b1', { key: 'k' })).status).toBe(204);
		expect((await send(emulator, 'DELETE', 'bookings/b1', { key: 'k' })).status).toBe(404);
		expect(emulator.state.effects.get('DELETE /bookings/b1')).toBe(1);
	});
});
