import { afterEach, describe, expect, it } from 'vitest';
import {
	createClient,
	InvalidRequestError,
	isOutcomeUnknownError,
	OutcomeUnknownError,
} from '../../src/index.js';
import { type LoopbackServer, sendJson, startServer } from '../helpers/loopback-server.js';

let server: LoopbackServer | undefined;
afterEach(async () => {
	await server?.close();
	server = undefined;
});

const elapsed = async <T>(run: () => Promise<T>) => {
	const started = performance.now();
	const result = await run().then(
		(value) => ({ value, error: undefined }),
		(error: unknown) => ({ value: undefined, error }),
	);
	return { ...result, ms: performance.now() - started };
};

describe('per-attempt timeout', () => {
	it('times out a stalled attempt and retries it with the same key', async () => {
		server = await startServer((_req, res, index) => {
			if (index === 0) return; // never answers
			sendJson(res, 200, { ok: true });
		});
		const api = createClient({ baseUrl: server.url, timeout: 200, retry: { baseDelay: 1, maxDelay: 5 } });
		const { value: res, ms } = await elapsed(() => api.post('charges', { json: { amount: 100 } }));
		expect(res?.status).toBe(200);
		expect(res?.attempts).toBe(2);
		expect(server.received).toHaveLength(2);
		expect(server.received[1]?.headers['idempotency-key']).toBe(
			server.received[0]?.headers['idempotency-key'],
		);
		expect(res?.key).toBe(server.received[0]?.headers['idempotency-key']);
		// The 200 ms timeout cut the first attempt short; without it the default 10 s would pass before the retry.
		expect(ms).toBeLessThan(2_000);
	});

	it('is overridden per call by the `timeout` call option', async () => {
		server = await startServer((_req, res, index) => {
			if (index === 0) return; // never answers
			sendJson(res, 200, { ok: true });
		});
		const api = createClient({ baseUrl: server.url, timeout: 60_000, retry: { baseDelay: 1, maxDelay: 5 } });
		const { value: res, ms } = await elapsed(() =>
			api.post('charges', { json: { amount: 100 }, timeout: 200 }),
		);
		expect(res?.status).toBe(200);
		expect(res?.attempts).toBe(2);
		expect(server.received).toHaveLength(2);
		expect(ms).toBeLessThan(2_000);
	});

	it('covers the response body too: headers then a stalled body is a timeout, retried with the same key', async () => {
		server = await startServer((_req, res, index) => {
			if (index === 0) {
				// Headers and half a body, then nothing.
				res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
				res.write('{"ok":');
				return;
			}
			sendJson(res, 200, { ok: true });
		});
		const api = createClient({ baseUrl: server.url, timeout: 200, retry: { baseDelay: 1, maxDelay: 5 } });
		const { value: res, ms } = await elapsed(() => api.post('charges', { json: { amount: 100 } }));
		expect(res?.data).toEqual({ ok: true });
		expect(res?.attempts).toBe(2);
		expect(server.received).toHaveLength(2);
		expect(server.received[1]?.headers['idempotency-key']).toBe(
			server.received[0]?.headers['idempotency-key'],
		);
		expect(ms).toBeLessThan(2_000);
	});

	it('gives up with OutcomeUnknownError (reason timeout) when every attempt stalls', async () => {
		server = await startServer(() => {});
		const api = createClient({
			baseUrl: server.url,
			timeout: 50,
			retry: { limit: 2, baseDelay: 1, maxDelay: 2 },
		});
		const { error } = await elapsed(() =>
			api.post('charges', { json: { amount: 1 }, operation: 'op-timeout' }),
		);
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
		const api = createClient({ baseUrl: server.url, retry: { maxRetryTime: 5_000 } });
		const { error, ms } = await elapsed(() => api.post('charges', { json: { amount: 1 } }));
		expect(isOutcomeUnknownError(error)).toBe(true);
		expect((error as OutcomeUnknownError).reason).toBe('deadline');
		expect((error as OutcomeUnknownError).attempts).toBe(1);
		expect((error as OutcomeUnknownError).retryAfterMs).toBe(120_000);
		expect((error as OutcomeUnknownError).status).toBe(503);
		expect((error as OutcomeUnknownError).key).toBe(server.received[0]?.headers['idempotency-key']);
		expect(server.received).toHaveLength(1);
		expect(ms).toBeLessThan(1_000);
	});

	it('caps the last attempt by what is left of the deadline', async () => {
		server = await startServer(() => {}); // stalls forever
		const api = createClient({
			baseUrl: server.url,
			timeout: 60_000,
			retry: { maxRetryTime: 300, baseDelay: 1, maxDelay: 1 },
		});
		const { error, ms } = await elapsed(() => api.post('charges', { json: { amount: 1 } }));
		expect(isOutcomeUnknownError(error)).toBe(true);
		// One attempt, cut at the 300 ms left of the deadline rather than at the 60 s attempt timeout.
		expect((error as OutcomeUnknownError).reason).toBe('deadline');
		expect((error as OutcomeUnknownError).attempts).toBe(1);
		expect(server.received).toHaveLength(1);
		expect(ms).toBeLessThan(2_000);
	});

	it('falls back to its own backoff when Retry-After is garbage, and never crashes', async () => {
		// A huge number of seconds is a hint, not garbage: it ends the call (test/retry/huge-retry-after.test.ts).
		const garbage = ['-5', 'soon', '1e999', '1.5', 'Wed, 99 Foo 2024 99:99:99 GMT', ''];
		server = await startServer((_req, res, index) => {
			if (index < garbage.length) return sendJson(res, 503, {}, { 'retry-after': garbage[index] ?? '' });
			sendJson(res, 201, { id: 1 });
		});
		const api = createClient({
			baseUrl: server.url,
			retry: { limit: garbage.length, baseDelay: 1, maxDelay: 5, maxRetryTime: 5_000 },
		});
		const { value, ms } = await elapsed(() => api.post('charges', { json: {} }));
		expect(value?.status).toBe(201);
		expect(value?.attempts).toBe(garbage.length + 1);
		expect(server.received).toHaveLength(garbage.length + 1);
		expect(new Set(server.received.map((r) => r.headers['idempotency-key'])).size).toBe(1);
		expect(ms).toBeLessThan(2_000);
	});
});

describe('AbortSignal', () => {
	it('cancels a pending backoff wait immediately and reports the outcome as unknown', async () => {
		server = await startServer((_req, res) => sendJson(res, 503, {}, { 'retry-after': '20' }));
		const api = createClient({ baseUrl: server.url, retry: { maxRetryTime: 60_000 } });
		const controller = new AbortController();
		setTimeout(() => controller.abort(new Error('user left')), 150);
		const { error, ms } = await elapsed(() => api.post('charges', { json: {}, signal: controller.signal }));
		expect(ms).toBeLessThan(1_000);
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
		const api = createClient({ baseUrl: server.url, timeout: 60_000 });
		const controller = new AbortController();
		setTimeout(() => controller.abort(new Error('user left')), 150);
		const { error, ms } = await elapsed(() =>
			api.post('charges', { json: {}, operation: 'op-abort', signal: controller.signal }),
		);
		expect(ms).toBeLessThan(1_000);
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
