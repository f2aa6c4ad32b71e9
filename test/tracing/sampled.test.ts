import { context, trace } from '@opentelemetry/api';
import { AlwaysOffSampler, ParentBasedSampler } from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClient } from '../../src/index.js';
import { sendJson } from '../helpers/loopback-server.js';
import { fast, serve } from '../operation/support.js';
import { registerSdk } from './otel-sdk.js';

let sdk: ReturnType<typeof registerSdk>;
beforeEach(() => {
	sdk = registerSdk({ sampler: new ParentBasedSampler({ root: new AlwaysOffSampler() }) });
});
afterEach(() => sdk.unregister());

describe('a call the application’s sampler leaves out', () => {
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
