import { context, trace } from '@opentelemetry/api';
import { AlwaysOffSampler, ParentBasedSampler } from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClient } from '../../src/index.js';
import { sendJson } from '../helpers/loopback-server.js';
import { fast, serve } from '../operation/support.js';
import { registerSdk } from './otel-sdk.js';

describe('a call the application’s sampler leaves out', () => {
	let sdk: ReturnType<typeof registerSdk>;
	beforeEach(() => {
		sdk = registerSdk({ sampler: new ParentBasedSampler({ root: new AlwaysOffSampler() }) });
	});
	afterEach(() => sdk.unregister());

	it('asks the SDK for its operation span only, records nothing, and ends as an untraced call would', async () => {
		const server = await serve((_req, res, i) =>
			i < 2 ? sendJson(res, 503, {}) : sendJson(res, 201, { id: 'b1' }),
		);
		const seen: (string | undefined)[] = [];
		const api = createClient({
			baseUrl: server.url,
			retry: fast,
			// What an instrumented fetch sees: the operation's (unsampled) trace, to carry the decision downstream.
			fetch: (input, init) => {
				seen.push(trace.getSpanContext(context.active())?.traceId);
				return fetch(input, init);
			},
		});
		const res = await api.post('bookings', { json: { seat: 1 } });

		expect(res.status).toBe(201);
		expect(res.attempts).toBe(3);
		expect(sdk.started()).toBe(1);
		expect(sdk.spans()).toEqual([]);
		expect(seen).toHaveLength(3);
		expect(new Set(seen).size).toBe(1);
		expect(seen[0]).toMatch(/^[\da-f]{32}$/);
	});
});

/** A tracer provider of the application's own, whose spans say they record nothing (or throw when asked). */
function registerTracer(isRecording: () => boolean) {
	const ended: string[] = [];
	const span = (name: string) => ({
		spanContext: () => ({
			traceId: '0af7651916cd43dd8448eb211c80319c',
			spanId: 'b7ad6b7169203331',
			traceFlags: 0,
		}),
		setAttributes: () => {},
		addEvent: () => {},
		setStatus: () => {},
		isRecording,
		end: () => ended.push(name),
	});
	trace.setGlobalTracerProvider({ getTracer: () => ({ startSpan: span }) } as never);
	return ended;
}

describe('a tracer of another make', () => {
	afterEach(() => trace.disable());

	it('has the unsampled operation span it handed out ended, so it never reads as left open', async () => {
		const ended = registerTracer(() => false);
		const server = await serve((_req, res) => sendJson(res, 201, {}));
		await createClient({ baseUrl: server.url }).post('bookings', { json: { seat: 1 } });
		expect(ended).toEqual(['idemkey POST']);
	});

	it('whose spans throw when asked whether they record costs the call its spans, never its outcome', async () => {
		registerTracer(() => {
			throw new Error('tracer down');
		});
		const server = await serve((_req, res) => sendJson(res, 201, { id: 'b1' }));
		const res = await createClient({ baseUrl: server.url }).post('bookings', { json: { seat: 1 } });
		expect([res.status, res.data]).toEqual([201, { id: 'b1' }]);
	});
});
