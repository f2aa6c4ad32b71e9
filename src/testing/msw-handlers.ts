/**
msw request handlers that behave like each dialect's real server, for testing code that calls those APIs with
idemkey (or anything else) without a network: key storage and replay, in-progress and mismatch answers, missing
keys, error caching, key-less endpoints, key retention, and faults scripted per request or drawn from a seed.

@example
```ts
import { setupServer } from 'msw/node';
import { createClient } from 'idemkey';
import { dialectHandlers } from 'idemkey/testing/msw';

const mock = dialectHandlers('stripe', { baseUrl: 'https://api.test/v1/', faults: ['drop-after-commit'] });
const server = setupServer(...mock);
server.listen({ onUnhandledFrame: 'error' });

const api = createClient({ baseUrl: 'https://api.test/v1/', dialect: 'stripe' });
const res = await api.post('bookings', { json: { classId: 'c7' } });
res.replayed; // true: the first answer was lost, the retry got the stored one
mock.state.effectCount; // 1
```
*/
import { type HttpHandler, http } from 'msw';
import type { Dialect, DialectName } from '../dialects/types.js';
import type { DialectState } from './dialect-state.js';
import type { ServerProfile } from './profiles/types.js';
import { createDialectServer, type DialectServerOptions } from './server/core.js';

export type DialectHandlersOptions = Omit<DialectServerOptions, 'basePath' | 'processingMs' | 'signal'> & {
	/** Base URL of the booking API; the handlers answer under it (`{baseUrl}bookings`, ...). */
	baseUrl: string | URL;
	/**
	Processing time of each request, in ms, while its key is held (lets concurrent duplicates overlap).
	@default 0
	*/
	latencyMs?: number;
};

/** msw handlers plus the state they act on and the profile they follow. */
export type DialectHandlers = HttpHandler[] & {
	readonly state: DialectState;
	readonly profile: ServerProfile;
};

/**
msw `http` handlers for a small booking API that behaves like `dialect`'s server (see `createDialectServer`):

- `POST {base}bookings` creates a booking (201), `GET {base}bookings/:id` reads one,
  `PUT`/`PATCH {base}bookings/:id` change one (200), `DELETE {base}bookings/:id` deletes one (204),
  `POST {base}bookings/:id/cancel` cancels one (200; the dialect's "already cancelled" answer the second time).
- Keys are stored, replayed, refused on mismatch and held while in progress as the dialect's server does.
- Faults scripted in `faults` (or pushed to `state.faults`) apply to the coming requests in order; fault rates draw
  them from `seed`.

Requests under the base URL that match no endpoint are left unhandled.
*/
export function dialectHandlers(
	dialect: DialectName | Dialect,
	options: DialectHandlersOptions,
): DialectHandlers {
	const base = new URL(String(options.baseUrl).replace(/\/*$/, '/'));
	const { latencyMs, baseUrl: _, ...rest } = options;
	const server = createDialectServer(dialect, {
		...rest,
		basePath: base.pathname,
		...(latencyMs === undefined ? {} : { processingMs: latencyMs }),
	});
	const handler = http.all(`${base.href}*`, ({ request }) =>
		server.matches(request) ? server.handle(request) : undefined,
	);
	return Object.assign([handler], { state: server.state, profile: server.profile });
}
