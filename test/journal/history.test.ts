import { describe, expect, it } from 'vitest';
import { createClient, MemoryJournal } from '../../src/index.js';
import { appendAttempt, HISTORY_LIMIT } from '../../src/journal/history.js';
import type { AttemptEntry } from '../../src/journal.js';
import { sendJson } from '../helpers/loopback-server.js';
import { fast, rejectionOf, serve } from '../operation/support.js';

const entries = (n: number): AttemptEntry[] => Array.from({ length: n }, (_, i) => ({ at: i, status: 503 }));

describe('appendAttempt', () => {
	it.each([
		{ before: undefined, after: [{ at: 99, status: 201 }] },
		{ before: entries(1), after: [...entries(1), { at: 99, status: 201 }] },
		{ before: entries(HISTORY_LIMIT - 1), after: [...entries(HISTORY_LIMIT - 1), { at: 99, status: 201 }] },
		{ before: entries(HISTORY_LIMIT), after: [...entries(HISTORY_LIMIT).slice(1), { at: 99, status: 201 }] },
		// A record written by a version that kept more: cut back to the limit.
		{
			before: entries(HISTORY_LIMIT + 5),
			after: [...entries(HISTORY_LIMIT + 5).slice(6), { at: 99, status: 201 }],
		},
	])('keeps the last $after.length of $before.length entries', ({ before, after }) => {
		const frozen = before && Object.freeze([...before]);
		expect(appendAttempt(frozen, { at: 99, status: 201 })).toEqual(after);
		expect(frozen).toEqual(before);
	});

	it('keeps ten', () => {
		expect(HISTORY_LIMIT).toBe(10);
	});
});

describe("an operation's record keeps its attempt history", () => {
	it('each attempt: when it was claimed, what came back, and the wait before it', async () => {
		const server = await serve((_req, res, i) => {
			if (i === 0) return sendJson(res, 503, {});
			if (i === 1) {
				res.socket?.destroy();
				return;
			}
			sendJson(res, 201, { id: 'b1' });
		});
		const journal = new MemoryJournal();
		const api = createClient({ baseUrl: server.url, journal, retry: fast });
		const started = Date.now();
		const res = await api.post('bookings', { json: {}, operation: 'book:1' });
		const ended = Date.now();

		const history = (await journal.get('default', res.operation))?.history ?? [];
		expect(history.map(({ at: _, waitedMs: __, ...rest }) => rest)).toEqual([
			{ status: 503 },
			{ error: 'network' },
			{ status: 201 },
		]);
		expect(history[0]?.waitedMs).toBeUndefined();
		for (const entry of history.slice(1)) expect(entry.waitedMs).toBeGreaterThanOrEqual(0);
		for (const entry of history) {
			expect(entry.at).toBeGreaterThanOrEqual(started);
			expect(entry.at).toBeLessThanOrEqual(ended);
		}
		expect(history.map((entry) => entry.at)).toEqual([...history.map((entry) => entry.at)].sort());
	});

	it("records the server's replay signal", async () => {
		const server = await serve((_req, res) => sendJson(res, 201, {}, { 'idempotent-replayed': 'true' }));
		const journal = new MemoryJournal();
		const api = createClient({ baseUrl: server.url, journal, dialect: 'stripe' });
		const res = await api.post('charges', { json: {} });
		expect((await journal.get('default', res.operation))?.history).toEqual([
			{ at: expect.any(Number), status: 201, replayed: true },
		]);
	});

	it('adds nothing for a rerun answered from the journal', async () => {
		const server = await serve((_req, res) => sendJson(res, 201, {}));
		const journal = new MemoryJournal();
		const api = createClient({ baseUrl: server.url, journal });
		await api.post('bookings', { json: {}, operation: 'book:2' });
		await api.post('bookings', { json: {}, operation: 'book:2' });
		expect((await journal.get('default', 'book:2'))?.history).toHaveLength(1);
	});

	it(`keeps the last ${HISTORY_LIMIT} attempts of a long run`, async () => {
		const failures = HISTORY_LIMIT + 2;
		const server = await serve((_req, res, i) => sendJson(res, i < failures ? 503 : 201, {}));
		const journal = new MemoryJournal();
		const api = createClient({ baseUrl: server.url, journal, retry: { ...fast, limit: failures } });
		const res = await api.post('bookings', { json: {} });

		const history = (await journal.get('default', res.operation))?.history ?? [];
		expect(res.attempts).toBe(failures + 1);
		expect(history.map((entry) => entry.status)).toEqual([...Array(HISTORY_LIMIT - 1).fill(503), 201]);
	});

	it('records attempts that gave up, and carries them over to the run that resumes the operation', async () => {
		let up = false;
		const server = await serve((_req, res) => (up ? sendJson(res, 201, {}) : sendJson(res, 503, {})));
		const journal = new MemoryJournal();
		const api = createClient({ baseUrl: server.url, journal, retry: { ...fast, limit: 1 } });
		await rejectionOf(api.post('bookings', { json: {}, operation: 'book:3' }));
		expect((await journal.get('default', 'book:3'))?.history?.map((entry) => entry.status)).toEqual([
			503, 503,
		]);

		up = true;
		await api.resume('book:3');
		expect((await journal.get('default', 'book:3'))?.history?.map((entry) => entry.status)).toEqual([
			503, 503, 201,
		]);
	});
});
