import { describe, expect, it } from 'vitest';
import {
	createClient,
	type IdemEvent,
	InvalidRequestError,
	KeyReuseError,
	OutcomeUnknownError,
} from '../../src/index.js';
import { sendJson } from '../helpers/loopback-server.js';
import { fast, rejectionOf, serve } from './support.js';

const booking = { classId: 'c7', clientId: 'u42' };

const collect = () => {
	const events: IdemEvent[] = [];
	return { events, onEvent: (e: IdemEvent) => void events.push(e) };
};

describe('onEvent', () => {
	it('receives one frozen attempt event per attempt and a retry event between them', async () => {
		const server = await serve((_req, res, index) => {
			if (index === 0) return void res.socket?.destroy();
			if (index === 1) return sendJson(res, 503, {});
			sendJson(res, 201, {});
		});
		const { events, onEvent } = collect();
		const api = createClient({ baseUrl: server.url, retry: fast, onEvent });
		const res = await api.post('bookings', { json: booking, operation: 'op-1' });

		expect(events.map((e) => e.type)).toEqual(['attempt', 'retry', 'attempt', 'retry', 'attempt']);
		expect(events.filter((e) => e.type === 'attempt').map((e) => e.attempt)).toEqual([1, 2, 3]);
		const retries = events.filter((e) => e.type === 'retry');
		expect(retries.map((e) => [e.reason, e.status])).toEqual([
			['network', undefined],
			['server_error', 503],
		]);
		for (const e of events) {
			expect(Object.isFrozen(e)).toBe(true);
			expect(e).toMatchObject({ operation: 'op-1', key: res.key, method: 'POST' });
			expect(e.url).toContain('/bookings');
		}
		expect(() => {
			(events[0] as { attempt: number }).attempt = 99;
		}).toThrow(TypeError);
	});

	it('receives a frozen replay event from the journal and from the server', async () => {
		const server = await serve((_req, res) => sendJson(res, 201, {}, { 'x-idempotent-replayed': 'true' }));
		const { events, onEvent } = collect();
		const api = createClient({ baseUrl: server.url, dialect: 'bardge', retry: fast, onEvent });
		const first = await api.post('bookings', { json: booking, operation: 'op-1' });
		expect(first.replayed).toBe(true);
		await api.post('bookings', { json: booking, operation: 'op-1' });

		const replays = events.filter((e) => e.type === 'replay');
		expect(replays.map((e) => [e.source, e.attempt])).toEqual([
			['server', 1],
			['journal', 0],
		]);
		for (const e of replays) {
			expect(Object.isFrozen(e)).toBe(true);
			expect(e.key).toBe(first.key);
		}
	});

	it('receives frozen conflict and give-up events for a key reuse caught by the journal', async () => {
		const server = await serve((_req, res) => sendJson(res, 201, {}));
		const { events, onEvent } = collect();
		const api = createClient({ baseUrl: server.url, retry: fast, onEvent });
		const first = await api.post('bookings', { json: booking, operation: 'op-1' });
		events.length = 0;
		const error = await rejectionOf(api.post('bookings', { json: { other: 1 }, operation: 'op-1' }));

		expect(events.map((e) => e.type)).toEqual(['conflict', 'give-up']);
		const [conflict, giveUp] = events;
		expect(conflict).toMatchObject({ type: 'conflict', source: 'journal', key: first.key, attempt: 0 });
		expect(giveUp).toMatchObject({ type: 'give-up', operation: 'op-1', key: first.key });
		expect(giveUp?.type === 'give-up' && giveUp.error).toBe(error);
		for (const e of events) expect(Object.isFrozen(e)).toBe(true);
	});

	it('receives conflict and give-up events for a different body sent while the operation is in flight', async () => {
		const server = await serve(async (_req, res) => {
			await new Promise((resolve) => setTimeout(resolve, 30));
			sendJson(res, 201, {});
		});
		const { events, onEvent } = collect();
		const api = createClient({ baseUrl: server.url, retry: fast, onEvent });
		const flight = api.post('bookings', { json: booking, operation: 'op-1' });
		const error = await rejectionOf(api.post('bookings', { json: { other: 1 }, operation: 'op-1' }));
		await flight;
		expect(error).toBeInstanceOf(KeyReuseError);
		expect((error as KeyReuseError).source).toBe('journal');
		expect(server.received).toHaveLength(1);
		const conflicts = events.filter((e) => e.type === 'conflict');
		expect(conflicts).toHaveLength(1);
		expect(conflicts[0]).toMatchObject({ source: 'journal', operation: 'op-1', attempt: 0 });
		expect(events.filter((e) => e.type === 'give-up').map((e) => e.type === 'give-up' && e.error)).toEqual([
			error,
		]);
	});

	it('receives a conflict from the server and a give-up carrying the attempts', async () => {
		const server = await serve((_req, res) => sendJson(res, 409, { code: 'idempotency_key_reused' }));
		const { events, onEvent } = collect();
		const api = createClient({ baseUrl: server.url, dialect: 'bardge', retry: fast, onEvent });
		const error = await rejectionOf(api.post('bookings', { json: booking, operation: 'op-1' }));
		expect(error).toBeInstanceOf(KeyReuseError);
		expect((error as KeyReuseError).source).toBe('server');
		expect(server.received).toHaveLength(1);
		const key = server.received[0]?.headers['idempotency-key'];
		expect(events.map((e) => e.type)).toEqual(['attempt', 'conflict', 'give-up']);
		expect(events[1]).toMatchObject({ source: 'server', attempt: 1, operation: 'op-1', key });
		const giveUp = events[2];
		expect(giveUp).toMatchObject({ type: 'give-up', operation: 'op-1', key, method: 'POST' });
		expect(giveUp?.type === 'give-up' && giveUp.error).toBe(error);
	});

	it('gives the give-up after a server rejection the attempts started', async () => {
		const server = await serve((_req, res) => sendJson(res, 409, { code: 'idempotency_key_reused' }));
		const { events, onEvent } = collect();
		const api = createClient({ baseUrl: server.url, dialect: 'bardge', retry: fast, onEvent });
		await rejectionOf(api.post('bookings', { json: booking, operation: 'op-1' }));
		expect(events.at(-1)).toMatchObject({ type: 'give-up', attempt: 1 });
	});

	it('receives no event for a call refused before anything is journaled or sent', async () => {
		const server = await serve((_req, res) => sendJson(res, 201, {}));
		const { events, onEvent } = collect();
		const api = createClient({ baseUrl: server.url, retry: fast, onEvent });
		const error = await rejectionOf(api.post('bookings', { json: booking, key: 'two words' }));
		expect(error).toBeInstanceOf(InvalidRequestError);
		expect((error as InvalidRequestError).field).toBe('key');
		expect(events).toEqual([]);
		expect(server.received).toHaveLength(0);
	});

	it('receives a give-up with the error and the attempt count when retries run out', async () => {
		const server = await serve((_req, res) => void res.socket?.destroy());
		const { events, onEvent } = collect();
		const api = createClient({ baseUrl: server.url, retry: { ...fast, limit: 2 }, onEvent });
		const error = await rejectionOf(api.post('bookings', { json: booking, operation: 'op-1' }));
		expect(error).toBeInstanceOf(OutcomeUnknownError);
		const last = events.at(-1);
		expect(last?.type).toBe('give-up');
		expect(last?.attempt).toBe(3);
		expect(last?.type === 'give-up' && last.error).toBe(error);
		expect(Object.isFrozen(last)).toBe(true);
	});

	it('that throws changes no outcome: success, journal replay and typed errors are unchanged', async () => {
		const server = await serve((_req, res, index) => {
			if (index === 0) return void res.socket?.destroy();
			sendJson(res, 201, { id: 'b1' });
		});
		let calls = 0;
		const api = createClient({
			baseUrl: server.url,
			retry: fast,
			onEvent: () => {
				calls++;
				throw new Error('logger exploded');
			},
		});
		const res = await api.post('bookings', { json: booking, operation: 'op-1' });
		expect(res).toMatchObject({ status: 201, attempts: 2, data: { id: 'b1' } });
		const replay = await api.post('bookings', { json: booking, operation: 'op-1' });
		expect(replay).toMatchObject({ fromJournal: true, data: { id: 'b1' } });
		const error = await rejectionOf(api.post('bookings', { json: { other: 1 }, operation: 'op-1' }));
		expect(error).toBeInstanceOf(KeyReuseError);
		expect(calls).toBeGreaterThanOrEqual(6);
		expect(server.received).toHaveLength(2);
		expect((await api.journal.get(api.scope, 'op-1'))?.state).toBe('succeeded');
	});
});
