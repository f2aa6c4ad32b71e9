import { afterEach, describe, expect, it, vi } from 'vitest';
import {
	type ClientOptions,
	createClient,
	type IdemEvent,
	MemoryJournal,
	NotSentError,
	OutcomeUnknownError,
} from '../../src/index.js';
import { sendJson } from '../helpers/loopback-server.js';
import { useVirtualTime, waitFor, watch } from '../helpers/virtual-time.js';
import { fast, rejectionOf, serve } from './support.js';

afterEach(() => {
	vi.useRealTimers();
});

type Attempt = Parameters<NonNullable<ClientOptions['beforeAttempt']>>[0];

const booking = { classId: 'c7', clientId: 'u42' };

describe('beforeAttempt', () => {
	it('sends a token fetched afresh for each attempt, over the client header, and keeps it out of the journal and events', async () => {
		const journal = new MemoryJournal();
		const server = await serve((_req, res, index) =>
			index === 0 ? sendJson(res, 503, { error: 'busy' }) : sendJson(res, 201, { id: 'b1' }),
		);
		const seen: Omit<Attempt, 'headers' | 'signal'>[] = [];
		const events: IdemEvent[] = [];
		let issued = 0;
		const api = createClient({
			baseUrl: `${server.url}v1/`,
			journal,
			retry: fast,
			headers: { Authorization: 'Bearer STALE-TOKEN' },
			searchParams: { api_key: 'QUERY-SECRET' },
			onEvent: (event) => void events.push(event),
			beforeAttempt: async ({ headers, signal, ...attempt }) => {
				seen.push(attempt);
				expect(signal.aborted).toBe(false);
				await Promise.resolve();
				issued++;
				headers.set('Authorization', `Bearer FRESH-TOKEN-${issued}`);
				// Set on the first attempt only: each attempt starts from the call's own headers.
				if (issued === 1) headers.set('X-First-Only', 'yes');
			},
		});

		const res = await api.post('bookings', { json: booking, operation: 'book:1' });

		expect(res).toMatchObject({ status: 201, attempts: 2 });
		expect(server.received.map((r) => r.headers.authorization)).toEqual([
			'Bearer FRESH-TOKEN-1',
			'Bearer FRESH-TOKEN-2',
		]);
		expect(server.received.map((r) => r.headers['x-first-only'])).toEqual(['yes', undefined]);
		expect(server.received.map((r) => r.headers['idempotency-key'])).toEqual([res.key, res.key]);
		// The hook sees the call as the journal names it: the client's query credential is added only as it leaves.
		expect(seen).toEqual(
			[1, 2].map((attempt) => ({
				method: 'POST',
				url: `${server.url}v1/bookings`,
				operation: 'book:1',
				key: res.key,
				attempt,
			})),
		);
		expect(server.received[0]?.url).toBe('/v1/bookings?api_key=QUERY-SECRET');
		const kept = JSON.stringify([await journal.get('default', 'book:1'), events]);
		expect(kept).not.toContain('FRESH-TOKEN');
	});

	it.each([
		{ what: 'overwrite', change: (headers: Headers) => headers.set('Idempotency-Key', 'hook-key') },
		{ what: 'delete', change: (headers: Headers) => headers.delete('Idempotency-Key') },
	])('cannot $what the idempotency key header', async ({ change }) => {
		const journal = new MemoryJournal();
		const server = await serve((_req, res) => sendJson(res, 201, { id: 'b1' }));
		const api = createClient({
			baseUrl: server.url,
			journal,
			beforeAttempt: ({ headers }) => change(headers),
		});

		const res = await api.post('bookings', { json: booking, operation: 'book:2' });

		expect(res.key).toEqual(expect.any(String));
		expect(server.received[0]?.headers['idempotency-key']).toBe(res.key);
		expect((await journal.get('default', 'book:2'))?.key).toBe(res.key);
	});

	it.each([
		{
			what: 'throws',
			hook: (failure: Error) => () => {
				throw failure;
			},
		},
		{ what: 'rejects', hook: (failure: Error) => () => Promise.reject(failure) },
	])(
		'that $what: the attempt is not sent and the call rejects with NotSentError, its claim taken back',
		async ({ hook }) => {
			const journal = new MemoryJournal();
			const server = await serve((_req, res) => sendJson(res, 201, { id: 'b1' }));
			const failure = new Error('token service down');
			const beforeAttempt = vi.fn(hook(failure));
			const api = createClient({ baseUrl: server.url, journal, retry: fast, beforeAttempt });

			const error = await rejectionOf(api.post('bookings', { json: booking, operation: 'book:3' }));

			expect(error).toBeInstanceOf(NotSentError);
			expect(error).toMatchObject({ code: 'not_sent', operation: 'book:3', attempts: 1, cause: failure });
			expect((error as Error).message).not.toMatch(/may (or may not )?have been applied/);
			expect(beforeAttempt).toHaveBeenCalledTimes(1);
			expect(server.received).toHaveLength(0);
			const record = await journal.get('default', 'book:3');
			expect(record).toMatchObject({ state: 'pending', attemptsStarted: 0, attemptsFinished: 0 });
			expect((error as NotSentError).key).toBe(record?.key);
		},
	);

	it.each([
		{ name: 'Transfer-Encoding', value: 'chunked' },
		{ name: 'Content-Length', value: '5' },
		{ name: 'X-Token', value: 'SECRET\u0001VALUE' },
	])(
		'that sets a header fetch cannot send ($name): NotSentError naming it, never a network error retried to "unknown"',
		async ({ name, value }) => {
			const journal = new MemoryJournal();
			const server = await serve((_req, res) => sendJson(res, 201, { id: 'b1' }));
			const api = createClient({
				baseUrl: server.url,
				journal,
				retry: fast,
				beforeAttempt: ({ headers }) => headers.set(name, value),
			});

			const error = await rejectionOf(api.post('bookings', { json: booking, operation: 'book:h' }));

			// Client and call headers get this check where they are merged; the hook's are checked before they leave.
			expect(error).toBeInstanceOf(NotSentError);
			expect(error).toMatchObject({ attempts: 1, cause: { name: 'InvalidRequestError', field: 'headers' } });
			expect(String((error as NotSentError).cause).toLowerCase()).toContain(name.toLowerCase());
			expect(JSON.stringify([(error as Error).message, String((error as Error).cause)])).not.toContain(
				'SECRET',
			);
			expect(server.received).toHaveLength(0);
			expect(await journal.get('default', 'book:h')).toMatchObject({ state: 'pending', attemptsStarted: 0 });
		},
	);

	it('that fails after an attempt that may have been applied: the outcome is unknown, never "not sent"', async () => {
		const journal = new MemoryJournal();
		const server = await serve((_req, res) => sendJson(res, 503, { error: 'busy' }));
		const failure = new Error('token service down');
		const api = createClient({
			baseUrl: server.url,
			journal,
			retry: fast,
			beforeAttempt: ({ attempt }) => {
				if (attempt === 2) throw failure;
			},
		});

		const error = await rejectionOf(api.post('bookings', { json: booking, operation: 'book:4' }));

		expect(error).toBeInstanceOf(OutcomeUnknownError);
		expect(error).toMatchObject({ attempts: 2, cause: failure });
		expect(server.received).toHaveLength(1);
		expect(await journal.get('default', 'book:4')).toMatchObject({ state: 'unknown', attemptsStarted: 1 });
	});

	it("that never settles ends with the call's signal: the abort reason, nothing sent, the record as it was", async () => {
		const journal = new MemoryJournal();
		const server = await serve((_req, res) => sendJson(res, 201, { id: 'b1' }));
		const hookSignals: AbortSignal[] = [];
		const api = createClient({
			baseUrl: server.url,
			journal,
			beforeAttempt: ({ signal }) => {
				hookSignals.push(signal);
				return new Promise(() => {});
			},
		});
		const controller = new AbortController();
		const call = watch(
			api.post('bookings', { json: booking, operation: 'book:5', signal: controller.signal }),
		);
		await waitFor(() => hookSignals.length === 1, 'the hook to run');
		const reason = new Error('user left');
		controller.abort(reason);

		const { error } = await call.outcome;

		expect(error).toBe(reason);
		expect(hookSignals[0]?.aborted).toBe(true);
		expect(server.received).toHaveLength(0);
		expect(await journal.get('default', 'book:5')).toMatchObject({ state: 'pending', attemptsStarted: 0 });
	});

	it("that never settles ends at the call's deadline with NotSentError, nothing sent", async () => {
		const journal = new MemoryJournal();
		const server = await serve((_req, res) => sendJson(res, 201, { id: 'b1' }));
		useVirtualTime();
		const hookSignals: AbortSignal[] = [];
		const api = createClient({
			baseUrl: server.url,
			journal,
			// A per-attempt timeout far shorter than the deadline: it covers the request, not the hook.
			timeout: 100,
			retry: { maxRetryTime: 5_000 },
			beforeAttempt: ({ signal }) => {
				hookSignals.push(signal);
				return new Promise(() => {});
			},
		});
		const call = watch(api.post('bookings', { json: booking, operation: 'book:6' }));
		await waitFor(() => hookSignals.length === 1, 'the hook to run');

		await vi.advanceTimersByTimeAsync(4_999);
		expect(call.settled()).toBe(false);
		await vi.advanceTimersByTimeAsync(1);
		const { error } = await call.outcome;

		expect(error).toBeInstanceOf(NotSentError);
		expect(hookSignals[0]?.aborted).toBe(true);
		expect((error as NotSentError).cause).toBe(hookSignals[0]?.reason);
		expect(server.received).toHaveLength(0);
		expect(await journal.get('default', 'book:6')).toMatchObject({ state: 'pending', attemptsStarted: 0 });
	});
});
