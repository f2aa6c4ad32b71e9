import { describe, expect, it, vi } from 'vitest';
import { createClient, KeyReuseError, MemoryJournal } from '../../src/index.js';
import { SingleFlight } from '../../src/operation/single-flight.js';
import { sendJson } from '../helpers/loopback-server.js';
import { waitFor } from '../helpers/virtual-time.js';
import { fast, rejectionOf, serve, sleep } from './support.js';

/**
Counts the calls that reached the single-flight (each caller reaches it after preparing its request, which takes
real time), so a server can hold its answer until all of them are there: joining never depends on being quick.
*/
function flightEntries() {
	const run = vi.spyOn(SingleFlight.prototype, 'run');
	return (count: number) => waitFor(() => run.mock.calls.length >= count, `${count} callers at the flight`);
}

const booking = { classId: 'c7', clientId: 'u42' };

describe('concurrent calls of one operation', () => {
	it('put exactly one request on the wire and hand all 100 callers its result', async () => {
		const arrived = flightEntries();
		const server = await serve(async (_req, res, index) => {
			await arrived(100);
			sendJson(res, 201, { id: `b${index + 1}` });
		});
		const api = createClient({ baseUrl: server.url, dialect: 'bardge', retry: fast });
		const results = await Promise.all(
			Array.from({ length: 100 }, () =>
				api.post('bookings/class', { json: booking, operation: 'book:u42:c7' }),
			),
		);
		expect(server.received).toHaveLength(1);
		const key = server.received[0]?.headers['idempotency-key'];
		expect(key).toBeTypeOf('string');
		for (const res of results) {
			expect(res.status).toBe(201);
			expect(res.data).toEqual({ id: 'b1' });
			expect(res.key).toBe(key);
			expect(res.operation).toBe('book:u42:c7');
			expect(res.fromJournal).toBe(false);
		}
		const record = await api.journal.get(api.scope, 'book:u42:c7');
		expect(record?.state).toBe('succeeded');
		expect(record?.attemptsStarted).toBe(1);
	});

	it('refuses a call with a different body during the flight with KeyReuseError, leaving the flight alone', async () => {
		const arrived = flightEntries();
		const server = await serve(async (_req, res) => {
			await arrived(6);
			sendJson(res, 201, { id: 'b1' });
		});
		const api = createClient({ baseUrl: server.url, dialect: 'bardge', retry: fast });
		const flight = api.post('bookings/class', { json: booking, operation: 'book:u42:c7' });
		const others = await Promise.all(
			Array.from({ length: 5 }, (_, i) =>
				rejectionOf(api.post('bookings/class', { json: { ...booking, seat: i }, operation: 'book:u42:c7' })),
			),
		);
		for (const error of others) {
			expect(error).toBeInstanceOf(KeyReuseError);
			expect((error as KeyReuseError).source).toBe('journal');
			expect((error as KeyReuseError).operation).toBe('book:u42:c7');
		}
		const res = await flight;
		expect(res.data).toEqual({ id: 'b1' });
		expect(server.received).toHaveLength(1);
		expect(JSON.parse(server.received[0]?.body.toString() ?? '')).toEqual(booking);
	});

	it('runs concurrent calls of different operations side by side, one request each', async () => {
		const server = await serve(async (_req, res) => {
			await sleep(20);
			sendJson(res, 201, {});
		});
		const api = createClient({ baseUrl: server.url, retry: fast });
		const results = await Promise.all(
			Array.from({ length: 10 }, (_, i) => api.post('bookings', { json: { i }, operation: `op-${i}` })),
		);
		expect(server.received).toHaveLength(10);
		expect(new Set(results.map((r) => r.key)).size).toBe(10);
	});

	it('starts a fresh flight once the previous one settled (answered from the journal)', async () => {
		const server = await serve((_req, res) => sendJson(res, 201, { id: 'b1' }));
		const api = createClient({ baseUrl: server.url, retry: fast });
		await api.post('bookings', { json: booking, operation: 'op-twice' });
		const again = await api.post('bookings', { json: booking, operation: 'op-twice' });
		expect(again.fromJournal).toBe(true);
		expect(server.received).toHaveLength(1);
	});

	it('sends one key from two clients sharing a journal (two processes, one operation)', async () => {
		const server = await serve(async (_req, res) => {
			await sleep(20);
			sendJson(res, 201, { id: 'b1' });
		});
		const journal = new MemoryJournal();
		const a = createClient({ baseUrl: server.url, journal, retry: fast });
		const b = createClient({ baseUrl: server.url, journal, retry: fast });
		const [ra, rb] = await Promise.all([
			a.post('bookings', { json: booking, operation: 'op-shared' }),
			b.post('bookings', { json: booking, operation: 'op-shared' }),
		]);
		expect(ra.key).toBe(rb.key);
		expect(server.received.length).toBeGreaterThanOrEqual(1);
		for (const req of server.received) expect(req.headers['idempotency-key']).toBe(ra.key);
		expect((await journal.get('default', 'op-shared'))?.key).toBe(ra.key);
	});
});
