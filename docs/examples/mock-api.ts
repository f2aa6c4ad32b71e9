// Test support for the examples: one msw server per test file, acting as the examples' booking API.
import { type DialectHandlersOptions, dialectHandlers } from 'idemkey/testing/msw';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, vi } from 'vitest';

export const BASE_URL = 'https://api.example.com/v1/';

export function mockApi(baseUrl = BASE_URL) {
	const server = setupServer();
	beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
	afterEach(() => {
		server.resetHandlers();
		vi.useRealTimers();
	});
	afterAll(() => server.close());
	return (options: Omit<DialectHandlersOptions, 'baseUrl'> = {}) => {
		const mock = dialectHandlers('bardge', { baseUrl, ...options });
		// The search the queue worker's onExpired uses: bookings by the client's own reference.
		const search = http.get(`${baseUrl}bookings`, ({ request }) => {
			const ref = new URL(request.url).searchParams.get('ref');
			return HttpResponse.json([...mock.state.bookings.values()].filter((b) => b.ref === ref));
		});
		server.use(search, ...mock);
		return mock.state;
	};
}

/** Backoff waits of 0 ms: full jitter draws from Math.random. */
export const noBackoff = () => vi.spyOn(Math, 'random').mockReturnValue(0);
