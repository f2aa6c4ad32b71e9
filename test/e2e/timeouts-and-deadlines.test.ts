import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
	createClient,
	type IdemEvent,
	InvalidRequestError,
	isOutcomeUnknownError,
	OutcomeUnknownError,
} from '../../src/index.js';
import { type LoopbackServer, sendJson, startServer } from '../helpers/loopback-server.js';
import { turns, useVirtualTime, waitFor, watch } from '../helpers/virtual-time.js';

let server: LoopbackServer | undefined;
afterEach(async () => {
	vi.useRealTimers();
	await server?.close();
	server = undefined;
});

// Every timer here is virtual (see useVirtualTime): a timeout fires when the test moves the clock past it, after the
// request has reached the server, so a busy machine can neither fire it early nor make a wait look long.

/** The events of a client, each with the virtual time it came at, to wait on and to read the waits it chose. */
function recorder() {
	const events: (IdemEvent & { at: number })[] = [];
	const retries = () => events.filter((e) => e.type === 'retry');
	const lastAttemptAt = () => events.filter((e) => e.type === 'attempt').at(-1)?.at ?? Number.NaN;
	const onEvent = (event: IdemEvent) => void events.push({ ...event, at: Date.now() });
	return { events, retries, lastAttemptAt, onEvent };
}

/**
Moves virtual time to one ms before the last attempt's `timeoutMs` is up (counted from the virtual time it started:
its timer is armed with its 'attempt' event) and checks nothing gave up yet, then past it: the timeout fires exactly
there. Waits for the retry (or the end of the call) it leads to.
*/
async function expireAttempt(
	timeoutMs: number,
	log: ReturnType<typeof recorder>,
	call: { settled: () => boolean },
) {
	const before = log.retries().length;
	await vi.advanceTimersByTimeAsync(log.lastAttemptAt() + timeoutMs - 1 - Date.now());
	// A client that could move on without a timer does so within a few real turns.
	await turns(2);
	expect(log.retries()).toHaveLength(before);
	expect(call.settled()).toBe(false);
	await vi.advanceTimersByTimeAsync(1);
	await waitFor(() => log.retries().length > before || call.settled(), 'the timed-out attempt to end');
}

/**
Fires the backoff wait the client announced in its last retry event, and a couple of ms beyond it, one virtual ms at
a time: a few ms in all, far less than the next attempt's timeout.
*/
async function waitOutBackoff(log: ReturnType<typeof recorder>) {
	const last = log.retries().at(-1);
	if (last?.type !== 'retry') throw new Error('no retry to wait for');
	for (let ms = 0; ms <= Math.ceil(last.delayMs) + 2; ms++) await vi.advanceTimersByTimeAsync(1);
}

/**
Runs one call whose first attempt the server leaves hanging (`stall` gets its response), through that attempt's
200 ms timeout (the client's `timeout`, or the call's) and the retry after it, which the server answers 200.
*/
async function retryAfterStalledFirstAttempt(
	stall: (res: ServerResponse) => void,
	clientTimeout: number,
	callOptions: { timeout?: number } = {},
) {
	const stalling = await startServer((_req, res, index) => {
		if (index === 0) return stall(res);
		sendJson(res, 200, { ok: true });
	});
	server = stalling;
	useVirtualTime();
	const log = recorder();
	const api = createClient({
		baseUrl: stalling.url,
		timeout: clientTimeout,
		retry: { baseDelay: 1, maxDelay: 5 },
		onEvent: log.onEvent,
	});
	const call = watch(api.post('charges', { json: { amount: 100 }, ...callOptions }));

	await waitFor(() => stalling.received.length === 1, 'the first attempt');
	await expireAttempt(200, log, call);
	await waitOutBackoff(log);
	const { value: res } = await call.outcome;
	return { res, retries: log.retries(), received: stalling.received };
}

describe('per-attempt timeout', () => {
	it('times out a stalled attempt and retries it with the same key', async () => {
		// The 200 ms timeout cuts the first attempt short (not the default 10 s).
		const { res, retries, received } = await retryAfterStalledFirstAttempt(() => {}, 200);

		expect(retries).toMatchObject([{ reason: 'timeout', attempt: 1 }]);
		expect(res?.status).toBe(200);
		expect(res?.attempts).toBe(2);
		expect(received).toHaveLength(2);
		expect(received[1]?.headers['idempotency-key']).toBe(received[0]?.headers['idempotency-key']);
		expect(res?.key).toBe(received[0]?.headers['idempotency-key']);
	});

	it('is overridden per call by the `timeout` call option', async () => {
		const { res, received } = await retryAfterStalledFirstAttempt(() => {}, 60_000, { timeout: 200 });

		expect(res?.status).toBe(200);
		expect(res?.attempts).toBe(2);
		expect(received).toHaveLength(2);
	});

	it('covers the response body too: headers then a stalled body is a timeout, retried with the same key', async () => {
		const { res, retries, received } = await retryAfterStalledFirstAttempt((stalled) => {
			// Headers and half a body, then nothing.
			stalled.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
			stalled.write('{"ok":');
		}, 200);

		expect(retries).toMatchObject([{ reason: 'timeout' }]);
		expect(res?.data).toEqual({ ok: true });
		expect(res?.attempts).toBe(2);
		expect(received).toHaveLength(2);
		expect(received[1]?.headers['idempotency-key']).toBe(received[0]?.headers['idempotency-key']);
	});

	it('gives up with OutcomeUnknownError (reason timeout) when every attempt stalls', async () => {
		server = await startServer(() => {});
		useVirtualTime();
		const log = recorder();
		const api = createClient({
			baseUrl: server.url,
			timeout: 50,
			retry: { limit: 2, baseDelay: 1, maxDelay: 2 },
			onEvent: log.onEvent,
		});
		const call = watch(api.post('charges', { json: { amount: 1 }, operation: 'op-timeout' }));

		for (let attempt = 1; attempt <= 3; attempt++) {
			await waitFor(() => server?.received.length === attempt, `attempt ${attempt} to reach the server`);
			await expireAttempt(50, log, call);
			if (attempt < 3) await waitOutBackoff(log);
		}
		const { error } = await call.outcome;

		expect(error).toBeInstanceOf(OutcomeUnknownError);
		expect((error as OutcomeUnknownError).reason).toBe('timeout');
		expect((error as OutcomeUnknownError).attempts).toBe(3);
		expect((error as OutcomeUnknownError).operation).toBe('op-timeout');
		expect((error as OutcomeUnknownError).key).toBe(server.received[0]?.headers['idempotency-key']);
		expect(server.received).toHaveLength(3);
		for (const attempt of server.received) {
			expect(attempt.headers['idempotency-key']).toBe((error as OutcomeUnknownError).key);
		}
	});
});

describe('one deadline (maxRetryTime)', () => {
	it('fails at once when Retry-After asks for longer than the time left', async () => {
		server = await startServer((_req, res) =>
			sendJson(res, 503, { error: 'maintenance' }, { 'retry-after': '120' }),
		);
		// Virtual time never moves in this test: the call can only end if it does not wait.
		useVirtualTime();
		const api = createClient({ baseUrl: server.url, retry: { maxRetryTime: 5_000 } });
		const error = await api.post('charges', { json: { amount: 1 } }).catch((e: unknown) => e);
		expect(isOutcomeUnknownError(error)).toBe(true);
		expect((error as OutcomeUnknownError).reason).toBe('deadline');
		expect((error as OutcomeUnknownError).attempts).toBe(1);
		expect((error as OutcomeUnknownError).retryAfterMs).toBe(120_000);
		expect((error as OutcomeUnknownError).status).toBe(503);
		expect((error as OutcomeUnknownError).key).toBe(server.received[0]?.headers['idempotency-key']);
		expect(server.received).toHaveLength(1);
	});

	it('caps the last attempt by what is left of the deadline', async () => {
		server = await startServer(() => {}); // stalls forever
		useVirtualTime();
		const log = recorder();
		const api = createClient({
			baseUrl: server.url,
			timeout: 60_000,
			retry: { maxRetryTime: 300, baseDelay: 1, maxDelay: 1 },
			onEvent: log.onEvent,
		});
		const call = watch(api.post('charges', { json: { amount: 1 } }));

		await waitFor(() => server?.received.length === 1, 'the attempt');
		// Cut at the 300 ms left of the deadline rather than at the 60 s attempt timeout.
		await expireAttempt(300, log, call);
		const { error } = await call.outcome;

		expect(isOutcomeUnknownError(error)).toBe(true);
		expect((error as OutcomeUnknownError).reason).toBe('deadline');
		expect((error as OutcomeUnknownError).attempts).toBe(1);
		expect(server.received).toHaveLength(1);
	});

	it('falls back to its own backoff when Retry-After is garbage, and never crashes', async () => {
		// A huge number of seconds is a hint, not garbage: it ends the call (test/retry/huge-retry-after.test.ts).
		const garbage = ['-5', 'soon', '1e999', '1.5', 'Wed, 99 Foo 2024 99:99:99 GMT', ''];
		server = await startServer((_req, res, index) => {
			if (index < garbage.length) return sendJson(res, 503, {}, { 'retry-after': garbage[index] ?? '' });
			sendJson(res, 201, { id: 1 });
		});
		useVirtualTime();
		const log = recorder();
		const api = createClient({
			baseUrl: server.url,
			retry: { limit: garbage.length, baseDelay: 1, maxDelay: 5, maxRetryTime: 5_000 },
			onEvent: log.onEvent,
		});
		const call = watch(api.post('charges', { json: {} }));

		for (let retry = 1; retry <= garbage.length; retry++) {
			await waitFor(() => log.retries().length >= retry || call.settled(), `retry ${retry}`);
			if (log.retries().length === retry) await waitOutBackoff(log);
		}
		const { value } = await call.outcome;

		expect(value?.status).toBe(201);
		expect(value?.attempts).toBe(garbage.length + 1);
		// Its own backoff (at most maxDelay) each time, never a wait read from the garbage.
		expect(log.retries().map((e) => (e.type === 'retry' ? e.delayMs <= 5 : false))).toEqual(
			garbage.map(() => true),
		);
		expect(server.received).toHaveLength(garbage.length + 1);
		expect(new Set(server.received.map((r) => r.headers['idempotency-key'])).size).toBe(1);
	});
});

describe('AbortSignal', () => {
	it('cancels a pending backoff wait immediately and reports the outcome as unknown', async () => {
		server = await startServer((_req, res) => sendJson(res, 503, {}, { 'retry-after': '20' }));
		// Virtual time never moves: the 20 s wait can only end through the abort.
		useVirtualTime();
		const controller = new AbortController();
		const log = recorder();
		const api = createClient({ baseUrl: server.url, retry: { maxRetryTime: 60_000 }, onEvent: log.onEvent });
		const call = watch(api.post('charges', { json: {}, signal: controller.signal }));

		await waitFor(() => log.retries().length === 1, 'the backoff wait to start');
		controller.abort(new Error('user left'));
		const { error } = await call.outcome;

		expect(log.retries()).toMatchObject([{ delayMs: 20_000 }]);
		expect(isOutcomeUnknownError(error)).toBe(true);
		expect((error as OutcomeUnknownError).reason).toBe('aborted');
		expect((error as OutcomeUnknownError).attempts).toBe(1);
		expect((error as OutcomeUnknownError).status).toBe(503);
		expect((error as OutcomeUnknownError).key).toBe(server.received[0]?.headers['idempotency-key']);
		expect((error as Error).cause).toEqual(new Error('user left'));
		expect(server.received).toHaveLength(1);
	});

	it('aborting while a request is on the wire reports the outcome as unknown and leaves the record unknown', async () => {
		server = await startServer(() => {}); // the request arrives and is never answered
		// Virtual time never moves: the 60 s attempt timeout cannot be what ends the call.
		useVirtualTime();
		const api = createClient({ baseUrl: server.url, timeout: 60_000 });
		const controller = new AbortController();
		const call = watch(api.post('charges', { json: {}, operation: 'op-abort', signal: controller.signal }));

		await waitFor(() => server?.received.length === 1, 'the request to reach the server');
		controller.abort(new Error('user left'));
		const { error } = await call.outcome;

		// The server may have applied it: not the bare abort reason, which would read as "nothing happened".
		expect(isOutcomeUnknownError(error)).toBe(true);
		expect((error as OutcomeUnknownError).reason).toBe('aborted');
		expect((error as OutcomeUnknownError).attempts).toBe(1);
		expect((error as Error).cause).toEqual(new Error('user left'));
		expect(server.received).toHaveLength(1);
		expect((await api.journal.get(api.scope, 'op-abort'))?.state).toBe('unknown');
	});

	it('an already-aborted signal sends nothing and rethrows the abort reason', async () => {
		server = await startServer((_req, res) => sendJson(res, 200, {}));
		const api = createClient({ baseUrl: server.url });
		const reason = new Error('cancelled');
		await expect(api.post('charges', { json: {}, signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
		expect(server.received).toHaveLength(0);
	});
});

describe('bodies that cannot be resent', () => {
	it('refuses a ReadableStream body with InvalidRequestError before sending anything', async () => {
		server = await startServer((_req, res) => sendJson(res, 200, {}));
		const api = createClient({ baseUrl: server.url });
		const stream = new ReadableStream({
			start(controller) {
				controller.enqueue(new TextEncoder().encode('data'));
				controller.close();
			},
		});
		const error = await api.post('upload', { body: stream }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(InvalidRequestError);
		expect((error as InvalidRequestError).field).toBe('body');
		expect(server.received).toHaveLength(0);
	});

	it('resends a FormData body with the same multipart boundary and bytes', async () => {
		server = await startServer((_req, res, index) =>
			index === 0 ? void res.socket?.destroy() : sendJson(res, 200, {}),
		);
		const api = createClient({ baseUrl: server.url, retry: { baseDelay: 1, maxDelay: 2 } });
		const form = new FormData();
		form.set('classId', 'c7');
		form.set('note', 'window seat');
		const res = await api.post('forms', { body: form });
		expect(res.attempts).toBe(2);
		expect(server.received).toHaveLength(2);
		const [first, second] = server.received;
		expect(second?.headers['idempotency-key']).toBe(first?.headers['idempotency-key']);
		expect(second?.headers['content-type']).toBe(first?.headers['content-type']);
		expect(second?.body.equals(first?.body ?? Buffer.alloc(0))).toBe(true);
		expect(first?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
	});
});
