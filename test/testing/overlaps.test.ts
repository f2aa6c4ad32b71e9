import { describe, expect, it, vi } from 'vitest';
import { ProcessingLog } from '../../src/testing/server/overlaps.js';
import { useVirtualTime } from '../helpers/virtual-time.js';
import { emulate, received, send } from './support.js';

/**
Events in order: `+a` request of operation `a` arrives (it takes the next request position), `-a` the oldest of
`a`'s requests still open is answered.
*/
function replay(events: string): [string, number, number][] {
	const log = new ProcessingLog();
	const open = new Map<string, (() => void)[]>();
	let index = 0;
	for (const event of events.split(' ')) {
		const operation = event.slice(1);
		const ends = open.get(operation) ?? [];
		open.set(operation, ends);
		if (event.startsWith('+')) ends.push(log.begin(operation, index++));
		else ends.shift()?.();
	}
	return log.overlaps().map(({ operation, requests }) => [operation, ...requests]);
}

describe('ProcessingLog: which requests of one operation were processed at the same time', () => {
	it.each([
		['one after the other', '+a -a +a -a', []],
		['the second arrives while the first is processed', '+a +a -a -a', [['a', 0, 1]]],
		['different operations at once', '+a +b -a -b', []],
		[
			'a third meets both open ones',
			'+a +a +a -a -a -a',
			[
				['a', 0, 1],
				['a', 0, 2],
				['a', 1, 2],
			],
		],
		[
			'a third arrives after the first ended',
			'+a +a -a +a -a -a',
			[
				['a', 0, 1],
				['a', 1, 2],
			],
		],
		[
			'interleaved operations',
			'+a +b +a -a +b -b -a -b',
			[
				['a', 0, 2],
				['b', 1, 3],
			],
		],
	] as const)('%s', (_, events, expected) => {
		expect(replay(events)).toEqual(expected);
	});

	it('ending a request twice changes nothing', () => {
		const log = new ProcessingLog();
		const end = log.begin('a', 0);
		end();
		log.begin('a', 1);
		end();
		log.begin('a', 2);
		expect(log.overlaps()).toEqual([{ operation: 'a', requests: [1, 2] }]);
	});
});

const BOOK = { classId: 'c7', ref: 'order-1' };

describe('emulator.state.overlaps(): two attempts of one operation being processed at once', () => {
	it('a duplicate arriving while the first is processed is reported, whatever the server answers it', async () => {
		useVirtualTime();
		const emulator = await emulate({ dialect: 'bardge', processingMs: 100 });
		const first = send(emulator, 'POST', 'bookings', { key: 'k', json: BOOK });
		await received(emulator, 1);
		const second = send(emulator, 'POST', 'bookings', { key: 'k', json: BOOK });
		await received(emulator, 2);
		await vi.advanceTimersByTimeAsync(100);
		expect((await first).status).toBe(201);
		expect((await second).headers.get('x-idempotent-replayed')).toBe('true');
		// One effect: the server resolved the race. The overlap says the client let it come to one.
		expect(emulator.state.duplicates()).toEqual([]);
		expect(emulator.state.overlaps()).toEqual([{ operation: 'order-1', requests: [0, 1] }]);
	});

	it('requests of one operation sent one after the other, even after a dropped answer, are not', async () => {
		const emulator = await emulate({ dialect: 'stripe', faults: ['drop-after-commit', 'drop-before'] });
		await expect(send(emulator, 'POST', 'bookings', { key: 'k', json: BOOK })).rejects.toThrow();
		await expect(send(emulator, 'POST', 'bookings', { key: 'k', json: BOOK })).rejects.toThrow();
		expect((await send(emulator, 'POST', 'bookings', { key: 'k', json: BOOK })).status).toBe(201);
		expect(emulator.state.requests).toHaveLength(3);
		expect(emulator.state.overlaps()).toEqual([]);
	});

	it('the operation is the body ref: two keys for one booking at once are caught', async () => {
		useVirtualTime();
		const emulator = await emulate({ dialect: 'ietf', processingMs: 50 });
		const first = send(emulator, 'POST', 'bookings', { key: 'k1', json: BOOK });
		await received(emulator, 1);
		const second = send(emulator, 'POST', 'bookings', { key: 'k2', json: BOOK });
		await received(emulator, 2);
		await vi.advanceTimersByTimeAsync(50);
		await Promise.all([first, second]);
		expect(emulator.state.overlaps()).toEqual([{ operation: 'order-1', requests: [0, 1] }]);
	});

	it('without a ref, the key: different keys at once are different operations; reads never count', async () => {
		useVirtualTime();
		const emulator = await emulate({ dialect: 'ietf', processingMs: 50 });
		const calls = [
			send(emulator, 'POST', 'bookings', { key: 'k1', json: { classId: 'c1' } }),
			send(emulator, 'POST', 'bookings', { key: 'k2', json: { classId: 'c1' } }),
		];
		await received(emulator, 2);
		await vi.advanceTimersByTimeAsync(50);
		await Promise.all(calls);
		const reads = [send(emulator, 'GET', 'bookings/b1'), send(emulator, 'GET', 'bookings/b1')];
		await received(emulator, 4);
		await vi.advanceTimersByTimeAsync(50);
		await Promise.all(reads);
		expect(emulator.state.overlaps()).toEqual([]);
		const repeat = [
			send(emulator, 'POST', 'bookings', { key: 'k3', json: { classId: 'c2' } }),
			send(emulator, 'POST', 'bookings', { key: 'k3', json: { classId: 'c2' } }),
		];
		await received(emulator, 6);
		await vi.advanceTimersByTimeAsync(50);
		await Promise.all(repeat);
		expect(emulator.state.overlaps()).toEqual([{ operation: 'k3', requests: [4, 5] }]);
	});

	it('a request its client gave up on still counts until the server is done with it', async () => {
		useVirtualTime();
		const emulator = await emulate({ dialect: 'stripe', processingMs: 100 });
		const gaveUp = new AbortController();
		const abandoned = fetch(new URL('bookings', emulator.url), {
			method: 'POST',
			headers: { 'idempotency-key': 'k', 'content-type': 'application/json' },
			body: JSON.stringify(BOOK),
			signal: gaveUp.signal,
		});
		await received(emulator, 1);
		gaveUp.abort();
		await expect(abandoned).rejects.toThrow();
		// The retry under the same key meets the first still being processed (stripe answers 409 in progress).
		expect((await send(emulator, 'POST', 'bookings', { key: 'k', json: BOOK })).status).toBe(409);
		expect(emulator.state.overlaps()).toEqual([{ operation: 'order-1', requests: [0, 1] }]);
		await vi.advanceTimersByTimeAsync(100);
		expect((await send(emulator, 'POST', 'bookings', { key: 'k', json: BOOK })).status).toBe(201);
		expect(emulator.state.overlaps()).toHaveLength(1);
	});
});
