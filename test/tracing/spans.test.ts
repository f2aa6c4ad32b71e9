import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClient, isKeyReuseError, isOutcomeUnknownError, MemoryJournal } from '../../src/index.js';
import { sendJson } from '../helpers/loopback-server.js';
import { fast, rejectionOf, serve } from '../operation/support.js';
import { attemptSpans, operationSpans, registerSdk } from './otel-sdk.js';

let sdk: ReturnType<typeof registerSdk>;
beforeEach(() => {
	sdk = registerSdk();
});
afterEach(() => sdk.unregister());

/** The one operation span, and its attempt spans. */
function tree(): { operation: ReadableSpan; attempts: ReadableSpan[] } {
	const [operation, ...others] = operationSpans(sdk.spans());
	expect(others).toEqual([]);
	if (!operation) throw new Error('no operation span');
	return { operation, attempts: attemptSpans(sdk.spans(), operation) };
}

describe('a call traced with the real OpenTelemetry SDK', () => {
	it('succeeds: one INTERNAL span for the operation, one CLIENT child for its attempt', async () => {
		const server = await serve((_req, res) => sendJson(res, 201, { id: 'b1' }));
		const api = createClient({ baseUrl: server.url, dialect: 'stripe' });
		const res = await api.post('bookings', { json: { seat: 1 }, operation: 'book:u42' });

		const { operation, attempts } = tree();
		expect(operation.name).toBe('idemkey POST');
		expect(operation.kind).toBe(SpanKind.INTERNAL);
		expect(operation.attributes).toEqual({
			'idemkey.operation': 'book:u42',
			'idemkey.dialect': 'stripe',
			'idemkey.key': res.key,
			'idemkey.outcome': 'succeeded',
			// Stripe's answers always say whether they were replayed.
			'idemkey.replayed': false,
			'idemkey.attempts': 1,
		});
		expect(operation.status.code).toBe(SpanStatusCode.UNSET);
		const port = Number(new URL(server.url).port);
		expect(attempts).toHaveLength(1);
		expect(attempts[0]?.name).toBe('POST');
		expect(attempts[0]?.kind).toBe(SpanKind.CLIENT);
		expect(attempts[0]?.attributes).toEqual({
			'http.request.method': 'POST',
			'url.full': `${server.url}bookings`,
			'server.address': '127.0.0.1',
			'server.port': port,
			'http.response.status_code': 201,
			'idemkey.replayed': false,
		});
	});

	it('retries: a CLIENT span per attempt with its resend count, and each wait as an event with its reason and length', async () => {
		const server = await serve((_req, res, i) => {
			if (i === 0) return sendJson(res, 503, {});
			if (i === 1) return sendJson(res, 429, {}, { 'retry-after': '0' });
			if (i === 2) return sendJson(res, 409, { type: 'about:blank', title: 'in progress' });
			sendJson(res, 201, {});
		});
		const api = createClient({ baseUrl: server.url, retry: fast });
		await api.post('bookings', { json: { seat: 1 } });

		const { operation, attempts } = tree();
		expect(operation.attributes['idemkey.attempts']).toBe(4);
		expect(attempts.map((span) => span.attributes['http.request.resend_count'])).toEqual([
			undefined,
			1,
			2,
			3,
		]);
		expect(attempts.map((span) => span.attributes['http.response.status_code'])).toEqual([
			503, 429, 409, 201,
		]);
		expect(attempts.map((span) => span.attributes['error.type'])).toEqual(['503', '429', '409', undefined]);
		expect(attempts.map((span) => span.status.code)).toEqual([
			SpanStatusCode.ERROR,
			SpanStatusCode.ERROR,
			SpanStatusCode.ERROR,
			SpanStatusCode.UNSET,
		]);
		const waits = operation.events.filter((event) => event.name === 'idemkey.wait');
		expect(waits.map((event) => event.attributes?.['idemkey.wait.reason'])).toEqual([
			'backoff',
			'retry_after',
			'in_progress',
		]);
		expect(waits.map((event) => event.attributes?.['idemkey.retry.reason'])).toEqual([
			'server_error',
			'rate_limited',
			'in_progress',
		]);
		expect(waits[1]?.attributes?.['idemkey.wait.ms']).toBe(0);
		for (const wait of waits) expect(wait.attributes?.['idemkey.wait.ms']).toBeTypeOf('number');
	});

	it('replayed by the server: the attempt and the operation say so', async () => {
		const server = await serve((_req, res) => sendJson(res, 201, {}, { 'idempotent-replayed': 'true' }));
		const api = createClient({ baseUrl: server.url, dialect: 'stripe' });
		await api.post('charges', { json: { amount: 1 } });

		const { operation, attempts } = tree();
		expect(operation.attributes['idemkey.replayed']).toBe(true);
		expect(attempts[0]?.attributes['idemkey.replayed']).toBe(true);
	});

	it('rerun of a finished operation: answered from the journal, no attempt, linked to the run that did it', async () => {
		const server = await serve((_req, res) => sendJson(res, 201, { id: 'b1' }));
		const api = createClient({ baseUrl: server.url });
		await api.post('bookings', { json: { seat: 1 }, operation: 'book:1' });
		const [first] = operationSpans(sdk.spans());
		sdk.exporter.reset();

		const again = await api.post('bookings', { json: { seat: 1 }, operation: 'book:1' });

		expect(again.replayed).toBe(true);
		const { operation, attempts } = tree();
		expect(attempts).toEqual([]);
		expect(operation.attributes).toMatchObject({
			'idemkey.outcome': 'succeeded',
			'idemkey.replayed': true,
			'idemkey.attempts': 0,
		});
		expect(operation.links).toEqual([
			{ context: expect.objectContaining(idsOf(first)), attributes: { 'idemkey.link': 'first_run' } },
		]);
		expect(server.received).toHaveLength(1);
	});

	it('key reuse caught by the journal: a failed operation span, nothing sent', async () => {
		const server = await serve((_req, res) => sendJson(res, 201, {}));
		const api = createClient({ baseUrl: server.url });
		await api.post('bookings', { json: { seat: 1 }, operation: 'book:2' });
		sdk.exporter.reset();

		const error = await rejectionOf(api.post('bookings', { json: { seat: 2 }, operation: 'book:2' }));

		expect(isKeyReuseError(error)).toBe(true);
		const { operation, attempts } = tree();
		expect(attempts).toEqual([]);
		expect(operation.attributes).toMatchObject({
			'idemkey.outcome': 'failed',
			'error.type': 'key_reused',
			'idemkey.attempts': 0,
		});
		expect(operation.status).toEqual({ code: SpanStatusCode.ERROR, message: 'key_reused' });
	});

	it('gives up after network errors: outcome unknown, every attempt a network error', async () => {
		const server = await serve((_req, res) => {
			res.socket?.destroy();
		});
		const api = createClient({ baseUrl: server.url, retry: { ...fast, limit: 2 } });
		const error = await rejectionOf(api.post('bookings', { json: { seat: 1 } }));

		expect(isOutcomeUnknownError(error)).toBe(true);
		const { operation, attempts } = tree();
		expect(operation.attributes).toMatchObject({
			'idemkey.outcome': 'unknown',
			'error.type': 'outcome_unknown',
			'idemkey.attempts': 3,
		});
		expect(operation.status.code).toBe(SpanStatusCode.ERROR);
		expect(attempts.map((span) => span.attributes['error.type'])).toEqual(['network', 'network', 'network']);
		expect(attempts.every((span) => span.attributes['http.response.status_code'] === undefined)).toBe(true);
	});

	it("nests under the caller's active span, and runs fetch inside the attempt's span", async () => {
		const server = await serve((_req, res) => sendJson(res, 201, {}));
		let activeInFetch: string | undefined;
		const api = createClient({
			baseUrl: server.url,
			fetch: (input, init) => {
				activeInFetch = trace.getActiveSpan()?.spanContext().spanId;
				return fetch(input, init);
			},
		});
		await trace.getTracer('app').startActiveSpan('checkout', async (span) => {
			try {
				await api.post('bookings', { json: {} });
			} finally {
				span.end();
			}
		});

		const checkout = sdk.spans().find((span) => span.name === 'checkout');
		const { operation, attempts } = tree();
		expect(operation.parentSpanContext?.spanId).toBe(checkout?.spanContext().spanId);
		expect(operation.spanContext().traceId).toBe(checkout?.spanContext().traceId);
		expect(activeInFetch).toBe(attempts[0]?.spanContext().spanId);
	});

	it('keeps secret query values out of url.full', async () => {
		const server = await serve((_req, res) => sendJson(res, 201, {}));
		const api = createClient({ baseUrl: server.url, searchParams: { api_key: 'sk_live_1' } });
		await api.post('upload?token=t0p&part=2', { json: {} });

		const { attempts } = tree();
		expect(attempts[0]?.attributes['url.full']).toBe(`${server.url}upload?token=REDACTED&part=2`);
		expect(server.received[0]?.url).toBe('/upload?token=t0p&part=2&api_key=sk_live_1');
	});

	it('traces reads too (no key, no journal)', async () => {
		const server = await serve((_req, res) => sendJson(res, 200, {}));
		const api = createClient({ baseUrl: server.url });
		await api.get('bookings/1');

		const { operation, attempts } = tree();
		expect(operation.name).toBe('idemkey GET');
		expect(operation.attributes['idemkey.key']).toBeUndefined();
		expect(attempts[0]?.attributes['http.request.method']).toBe('GET');
	});
});

describe('the record of a traced operation', () => {
	it('keeps the W3C trace context of its first run', async () => {
		const server = await serve((_req, res) => sendJson(res, 201, {}));
		const journal = new MemoryJournal();
		const api = createClient({ baseUrl: server.url, journal });
		const res = await api.post('bookings', { json: {}, operation: 'book:3' });

		const [operation] = operationSpans(sdk.spans());
		const { traceId, spanId } = idsOf(operation);
		const record = await journal.get('default', res.operation);
		expect(record?.trace).toEqual({ traceparent: `00-${traceId}-${spanId}-01` });
	});
});

describe('tracing that cannot or must not run', () => {
	it('tracing: false emits nothing and keeps no trace context', async () => {
		const server = await serve((_req, res) => sendJson(res, 201, {}));
		const journal = new MemoryJournal();
		const api = createClient({ baseUrl: server.url, journal, tracing: false });
		const res = await api.post('bookings', { json: {} });

		expect(sdk.spans()).toEqual([]);
		expect((await journal.get('default', res.operation))?.trace).toBeUndefined();
	});

	it('a derived client keeps tracing: false', async () => {
		const server = await serve((_req, res) => sendJson(res, 201, {}));
		const api = createClient({ baseUrl: server.url, tracing: false }).extend({ timeout: 5_000 });
		await api.post('bookings', { json: {} });
		expect(sdk.spans()).toEqual([]);
	});

	it('a span processor that throws costs the call its spans, never its outcome', async () => {
		sdk.unregister();
		const broken = {
			onStart: () => {
				throw new Error('processor down');
			},
			onEnd: () => {
				throw new Error('processor down');
			},
			forceFlush: async () => {},
			shutdown: async () => {},
		};
		sdk = registerSdk({ processors: [broken] });
		const server = await serve((_req, res) => sendJson(res, 201, { id: 'b1' }));
		const api = createClient({ baseUrl: server.url, retry: fast });

		const res = await api.post('bookings', { json: {} });
		expect(res.data).toEqual({ id: 'b1' });
	});

	it('without a context manager: spans are still parented by hand', async () => {
		sdk.unregister();
		sdk = registerSdk({ contextManager: false });
		const server = await serve((_req, res, i) => (i === 0 ? sendJson(res, 503, {}) : sendJson(res, 201, {})));
		const api = createClient({ baseUrl: server.url, retry: fast });
		await api.post('bookings', { json: {} });

		const { attempts } = tree();
		expect(attempts).toHaveLength(2);
	});

	it('rejects a tracing option that is not a boolean, before anything is sent', () => {
		expect(() => createClient({ tracing: 'yes' as unknown as boolean })).toThrow(/tracing must be a boolean/);
	});
});

const idsOf = (span: ReadableSpan | undefined) => {
	const { traceId, spanId } = span?.spanContext() ?? {};
	return { traceId, spanId };
};
