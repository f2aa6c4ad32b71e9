import { describe, expect, it } from 'vitest';
import { resolveDialect } from '../../src/dialects/resolve.js';
import { createClient, type DialectName } from '../../src/index.js';
import { replaySignal } from '../../src/retry/classify.js';

/*
A page calling an API on another origin reads only the response headers the API lists in
Access-Control-Expose-Headers (fetch's Response.type is then 'cors'). A replay header the API does not expose is
absent to the page whether or not the server sent it, so its absence must not read as "not replayed".
*/

/** A fetch answering 201 with `headers`, as a browser hands over a cross-origin (`cors`) or same-origin (`basic`) answer. */
const answering = (type: 'cors' | 'basic', headers: Record<string, string> = {}) =>
	(async () => {
		const response = Response.json({ id: 'b1' }, { status: 201, headers });
		Object.defineProperty(response, 'type', { value: type });
		return response;
	}) as typeof fetch;

const replayedOf = async (dialect: DialectName, fetch: typeof globalThis.fetch) =>
	(await createClient({ baseUrl: 'https://api.example.com/', dialect, fetch }).post('bookings', { json: {} }))
		.replayed;

describe('replayed on a cross-origin answer', () => {
	it.each([
		// The replay header hidden (not exposed): unknown, though these dialects' servers always say "replayed".
		['bardge', 'cors', {}, undefined],
		['stripe', 'cors', {}, undefined],
		['repull', 'cors', {}, undefined],
		['ietf', 'cors', {}, undefined],
		// Exposed: read as on the same origin.
		['bardge', 'cors', { 'X-Idempotent-Replayed': 'true' }, true],
		['stripe', 'cors', { 'Idempotent-Replayed': 'true' }, true],
		['stripe', 'cors', { 'Idempotent-Replayed': 'false' }, false],
		['repull', 'cors', { 'Idempotency-Status': 'cached' }, true],
		// Same origin: every header is visible, so absence means "not replayed" where the dialect says so.
		['bardge', 'basic', {}, false],
		['stripe', 'basic', {}, false],
		['ietf', 'basic', {}, undefined],
	] as const)('%s, %s answer with %j: replayed is %s', async (dialect, type, headers, expected) => {
		expect(await replayedOf(dialect, answering(type, headers))).toBe(expected);
	});
});

describe('replaySignal', () => {
	const bardge = resolveDialect('bardge');
	it.each([
		[{}, false, false],
		[{}, true, undefined],
		[{ 'x-idempotent-replayed': 'true' }, true, true],
		[{ 'x-idempotent-replayed': 'false' }, true, false],
	] as const)('bardge, headers %j, filtered %s: %s', (headers, filtered, expected) => {
		expect(replaySignal(bardge, new Headers(headers), filtered)).toBe(expected);
	});
});
