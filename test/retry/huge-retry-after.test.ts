import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClient, InProgressError, OutcomeUnknownError } from '../../src/index.js';

const START = Date.parse('2025-06-01T12:00:00Z');
const DAY = 86_400_000;
const CAP = 2 ** 31 * 1000;

/** A fetch that answers every request with `status` and `headers`, counting the requests. */
function answering(status: number, headers: Record<string, string>, body: unknown = { error: 'busy' }) {
	const requests: Request[] = [];
	const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
		requests.push(new Request(input, init));
		return new Response(JSON.stringify(body), {
			status,
			headers: { 'content-type': 'application/json', ...headers },
		});
	};
	return { fetch: fetch as typeof globalThis.fetch, requests };
}

/** Settles `promise` while running every fake timer; the error, or a failure when it resolves. */
async function errorOf(promise: Promise<unknown>): Promise<unknown> {
	const settled = promise.then(
		() => new Error('expected the call to fail'),
		(error: unknown) => error,
	);
	await vi.runAllTimersAsync();
	return settled;
}

describe('a Retry-After longer than the time left ends the call at once, with the hint', () => {
	beforeEach(() => {
		vi.useFakeTimers({ now: START });
	});
	afterEach(() => {
		vi.useRealTimers();
	});

	it.each([
		{ what: '503, over a day in seconds', status: 503, headers: { 'retry-after': '86401' }, ms: DAY + 1_000 },
		{ what: '503, 10^9 seconds', status: 503, headers: { 'retry-after': '1000000000' }, ms: 1e12 },
		{
			what: '429, 10^10 seconds (read as 2^31 s)',
			status: 429,
			headers: { 'retry-after': '9999999999' },
			ms: CAP,
		},
		{
			what: '429, an HTTP-date a year out',
			status: 429,
			headers: { 'retry-after': new Date(START + 365 * DAY).toUTCString() },
			ms: 365 * DAY,
		},
		{
			what: '503, retry-after-ms of two days',
			status: 503,
			headers: { 'retry-after-ms': String(2 * DAY) },
			ms: 2 * DAY,
		},
		{ what: '503, 60 s with 30 s left', status: 503, headers: { 'retry-after': '60' }, ms: 60_000 },
	])('$what', async ({ status, headers, ms }) => {
		const { fetch, requests } = answering(status, headers);
		const api = createClient({ baseUrl: 'https://api.example.com/', fetch });
		const error = await errorOf(api.post('charges', { json: { amount: 1 } }));
		expect(error).toBeInstanceOf(OutcomeUnknownError);
		expect((error as OutcomeUnknownError).retryAfterMs).toBe(ms);
		expect(requests).toHaveLength(1);
		// Not one backoff slept: the server asked for quiet.
		expect(Date.now()).toBe(START);
	});

	it('an in-progress 409 asking for a year ends with InProgressError carrying the hint', async () => {
		const { fetch, requests } = answering(409, { 'retry-after': String(365 * 86_400) }, {});
		const api = createClient({ baseUrl: 'https://api.example.com/', fetch });
		const error = await errorOf(api.post('charges', { json: { amount: 1 } }));
		expect(error).toBeInstanceOf(InProgressError);
		expect((error as InProgressError).retryAfterMs).toBe(365 * DAY);
		expect(requests).toHaveLength(1);
		expect(Date.now()).toBe(START);
	});

	it.each([
		{ what: 'a negative delta', value: '-5' },
		{ what: 'garbage', value: 'soon' },
		{ what: 'fractional seconds', value: '1.5' },
	])('a malformed hint ($what) is no hint: the call retries on its own backoff', async ({ value }) => {
		const { fetch, requests } = answering(503, { 'retry-after': value });
		const api = createClient({ baseUrl: 'https://api.example.com/', fetch, retry: { limit: 2 } });
		const error = await errorOf(api.post('charges', { json: { amount: 1 } }));
		expect(error).toBeInstanceOf(OutcomeUnknownError);
		expect((error as OutcomeUnknownError).retryAfterMs).toBeUndefined();
		expect(requests).toHaveLength(3);
	});
});
