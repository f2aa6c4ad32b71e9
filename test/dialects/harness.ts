import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, vi } from 'vitest';
import { type ClientOptions, createClient, type Dialect, type DialectName } from '../../src/index.js';
import { type DialectHandlersOptions, dialectHandlers } from '../../src/testing/msw.js';

/** Backoff short enough that a test with retries stays in milliseconds. */
export const FAST = { baseDelay: 1, maxDelay: 5, inProgressDelay: 1 };
export const HOUR = 3_600_000;

export type ServeOptions = Omit<DialectHandlersOptions, 'baseUrl'>;

/**
One msw server per test file (unhandled requests fail the test), the dialect's handlers mounted per test, and a
client pointed at them. `clientDialect: undefined` builds a client that was not told which API it talks to.
*/
export function dialectHarness(
	serverDialect: DialectName | Dialect,
	baseUrl: string,
	options: { defaults?: ServeOptions; clientDialect?: DialectName | Dialect | undefined } = {},
) {
	const defaults = options.defaults ?? {};
	const clientDialect = 'clientDialect' in options ? options.clientDialect : serverDialect;
	const server = setupServer();
	beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
	afterEach(() => {
		server.resetHandlers();
		vi.useRealTimers();
	});
	afterAll(() => server.close());

	const serveAs = (dialect: DialectName | Dialect, options: ServeOptions = {}) => {
		const mock = dialectHandlers(dialect, { baseUrl, ...defaults, ...options });
		server.use(...mock);
		return mock.state;
	};
	return {
		serveAs,
		serve: (options: ServeOptions = {}) => serveAs(serverDialect, options),
		client: (options: ClientOptions = {}) =>
			createClient({
				baseUrl,
				...(clientDialect === undefined ? {} : { dialect: clientDialect }),
				retry: FAST,
				...options,
			}),
	};
}
