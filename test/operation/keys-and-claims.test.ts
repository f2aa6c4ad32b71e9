import { describe, expect, it } from 'vitest';
import { createClient, type JournalRecord, MemoryJournal, OutcomeUnknownError } from '../../src/index.js';
import { sendJson } from '../helpers/loopback-server.js';
import { fast, SpyJournal, serve } from './support.js';

const booking = { classId: 'c7', clientId: 'u42' };

describe('operations and keys', () => {
	it('gives each call without `operation` a fresh operation and a fresh key', async () => {
		const server = await serve((_req, res) => sendJson(res, 201, {}));
		const journal = new MemoryJournal();
		const api = createClient({ baseUrl: server.url, journal, retry: fast });
		const first = await api.post('bookings', { json: booking });
		const second = await api.post('bookings', { json: booking });

		expect(server.received).toHaveLength(2);
		const [k1, k2] = server.received.map((r) => r.headers['idempotency-key']);
		expect(k1).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
		expect(k2).not.toBe(k1);
		expect([first.key, second.key]).toEqual([k1, k2]);
		expect(first.operation).not.toBe(second.operation);
		expect(second.fromJournal).toBe(false);
		expect(journal.size).toBe(2);
		expect((await journal.get('default', first.operation))?.key).toBe(k1);
		expect((await journal.get('default', second.operation))?.key).toBe(k2);
	});

	it('sends an explicit key as given and names the operation after it', async () => {
		const server = await serve((_req, res) => sendJson(res, 201, { id: 'b1' }));
		const api = createClient({ baseUrl: server.url, retry: fast });
		const res = await api.post('bookings', { json: booking, key: 'order-7_attempt.1' });
		expect(server.received[0]?.headers['idempotency-key']).toBe('order-7_attempt.1');
		expect(res.key).toBe('order-7_attempt.1');
		expect(res.operation).toBe('key:order-7_attempt.1');
		const record = await api.journal.get(api.scope, 'key:order-7_attempt.1');
		expect(record?.key).toBe('order-7_attempt.1');

		const again = await api.post('bookings', { json: booking, key: 'order-7_attempt.1' });
		expect(again.fromJournal).toBe(true);
		expect(server.received).toHaveLength(1);
	});

	it('keeps the journaled key of an operation across calls and scopes the record by client scope', async () => {
		const server = await serve((_req, res) => sendJson(res, 503, {}));
		const journal = new MemoryJournal();
		const a = createClient({ baseUrl: server.url, journal, scope: 'tenant-a', retry: { ...fast, limit: 0 } });
		const b = createClient({ baseUrl: server.url, journal, scope: 'tenant-b', retry: { ...fast, limit: 0 } });
		const errors = [
			await a.post('bookings', { json: booking, operation: 'op-1' }).catch((e: unknown) => e),
			await a.post('bookings', { json: booking, operation: 'op-1' }).catch((e: unknown) => e),
			await b.post('bookings', { json: booking, operation: 'op-1' }).catch((e: unknown) => e),
		];
		for (const error of errors) expect(error).toBeInstanceOf(OutcomeUnknownError);
		expect(server.received).toHaveLength(3);
		const keys = server.received.map((r) => r.headers['idempotency-key']);
		expect(keys[0]).toBeTypeOf('string');
		expect(keys[1]).toBe(keys[0]);
		expect(keys[2]).not.toBe(keys[0]);
		expect((await journal.get('tenant-a', 'op-1'))?.key).toBe(keys[0]);
		expect((await journal.get('tenant-b', 'op-1'))?.key).toBe(keys[2]);
	});
});

describe('journal before the wire', () => {
	it('journals the key and the claim before the request leaves', async () => {
		const journal = new MemoryJournal();
		const seen: { record: JournalRecord | undefined; key: unknown }[] = [];
		const server = await serve(async (req, res) => {
			seen.push({ record: await journal.get('default', 'book:u42:c7'), key: req.headers['idempotency-key'] });
			sendJson(res, 201, { id: 'b1' });
		});
		const api = createClient({ baseUrl: server.url, journal, retry: fast });
		await api.post('bookings/class', { json: booking, operation: 'book:u42:c7' });

		expect(seen).toHaveLength(1);
		const [{ record, key }] = seen as [(typeof seen)[number]];
		expect(record?.state).toBe('inflight');
		expect(record?.attemptsStarted).toBe(1);
		expect(record?.attemptsFinished).toBe(0);
		expect(record?.key).toBe(key);
		expect(typeof key).toBe('string');
		expect((await journal.get('default', 'book:u42:c7'))?.state).toBe('succeeded');
	});

	it('costs a new operation one journal write before its request leaves and one after', async () => {
		const journal = new SpyJournal();
		const before: string[][] = [];
		const server = await serve((_req, res) => {
			before.push([...journal.calls]);
			sendJson(res, 201, { id: 'b1' });
		});
		const api = createClient({ baseUrl: server.url, journal, retry: fast });
		await api.post('bookings', { json: booking, operation: 'op-writes' });
		expect(before).toEqual([['create']]);
		expect(journal.calls).toEqual(['create', 'compareAndSet']);
		// The record a re-run finds is the finished one: the first attempt's claim was part of create().
		expect(await journal.inner.get('default', 'op-writes')).toMatchObject({
			state: 'succeeded',
			revision: 2,
			attemptsStarted: 1,
			attemptsFinished: 1,
		});
	});

	it('journals every retry as a new claim before it is sent', async () => {
		const journal = new MemoryJournal();
		const seen: (JournalRecord | undefined)[] = [];
		const server = await serve(async (_req, res, index) => {
			seen.push(await journal.get('default', 'op-retry'));
			if (index < 2) return void res.socket?.destroy();
			sendJson(res, 201, {});
		});
		const api = createClient({ baseUrl: server.url, journal, retry: fast });
		const res = await api.post('bookings', { json: booking, operation: 'op-retry' });
		expect(res.attempts).toBe(3);
		expect(seen.map((r) => [r?.state, r?.attemptsStarted, r?.attemptsFinished])).toEqual([
			['inflight', 1, 0],
			['inflight', 2, 1],
			['inflight', 3, 2],
		]);
		const done = await journal.get('default', 'op-retry');
		expect(done).toMatchObject({ state: 'succeeded', attemptsStarted: 3, attemptsFinished: 3 });
	});
});

describe('safe methods', () => {
	it.each(['GET', 'HEAD', 'OPTIONS'])('send %s without a key and never touch the journal', async (method) => {
		const server = await serve((_req, res) => sendJson(res, 200, { ok: true }));
		const journal = new SpyJournal();
		const api = createClient({ baseUrl: server.url, journal, retry: fast });
		const res = await api.request(method, 'bookings', { operation: 'op-read' });
		expect(res.status).toBe(200);
		expect(res.key).toBe(undefined);
		expect(server.received).toHaveLength(1);
		expect(server.received[0]?.method).toBe(method);
		expect(server.received[0]?.headers['idempotency-key']).toBe(undefined);
		expect(journal.calls).toEqual([]);
		expect(journal.inner.size).toBe(0);
	});

	it('sends GET again on every call (no journal replay)', async () => {
		const server = await serve((_req, res, index) => sendJson(res, 200, { n: index }));
		const api = createClient({ baseUrl: server.url, retry: fast });
		const first = await api.get('bookings', { operation: 'same' });
		const second = await api.get('bookings', { operation: 'same' });
		expect([first.data, second.data]).toEqual([{ n: 0 }, { n: 1 }]);
		expect(second.fromJournal).toBe(false);
	});
});
