import type { Dialect, DialectName } from '../../dialects/types.js';
import { DialectState, type DialectStateOptions } from '../dialect-state.js';
import { resolveProfile } from '../profiles/resolve.js';
import type { ProfileOverrides, ServerProfile } from '../profiles/types.js';
import { answerRequest } from './answer.js';
import { normaliseBasePath } from './base-path.js';
import { DROPPED, type Outgoing, toResponse } from './responses.js';
import { matchRoute } from './routes.js';
import type { Incoming, Served } from './served.js';

export type { Incoming } from './served.js';

export type DialectServerOptions = DialectStateOptions & {
	/**
	State to use, e.g. shared by several servers; when given, `faults`, `seed`, `now` and `bookings` are ignored.
	@default a new DialectState built from `faults`, `seed`, `now` and `bookings`
	*/
	state?: DialectState;
	/**
	URL path the booking API lives under; it answers `{basePath}bookings`, ... (`v1`, `/v1` and `/v1/` all mean `/v1/`).
	@default '/'
	*/
	basePath?: string;
	/**
	Processing time of every request, in ms, while its key is held (lets concurrent duplicates overlap).
	@default 0
	*/
	processingMs?: number;
	/**
	Overrides of the dialect's server profile (answers are merged one by one).
	@default none: the dialect's own profile from `serverProfiles`
	*/
	profile?: ProfileOverrides;
	/**
	Aborting it cuts every pending delay short (a closing server must not wait out its faults).
	@default none
	*/
	signal?: AbortSignal;
};

/**
A dialect's server without a transport: a web-standard `Request` in, a `Response` out, plus the state it keeps.
A network-error response (`Response.error()`) means "drop the connection without an answer".
*/
export type DialectServer = {
	readonly profile: ServerProfile;
	readonly state: DialectState;
	/** Whether the booking API has a route for this request (method and path under `basePath`). */
	matches(request: Request): boolean;
	/** Answers one request; a request with no route gets a 404 and is not recorded. */
	handle(request: Request): Promise<Response>;
	/**
	@internal The same without web `Request`/`Response` objects, for transports that have the parts at hand (the
	node:http emulator): building and reading web streams costs more than the booking API itself.
	*/
	answer(request: Incoming): Promise<Outgoing>;
};

/**
The booking API behaving like `dialect`'s server: keys stored per key (and per scope header value where the API
scopes keys) for the dialect's retention and replayed with its replay header; a different request under a stored key
gets the mismatch answer; a duplicate arriving while the first is processed gets the in-progress answer, or waits for
the first and gets its answer (servers without one); missing keys, key-less endpoints and error caching as the
dialect documents; faults applied per request.
*/
export function createDialectServer(
	dialect: DialectName | Dialect,
	options: DialectServerOptions = {},
): DialectServer {
	const profile = resolveProfile(dialect, options.profile);
	const state = options.state ?? new DialectState(options);
	if (!profile.answers.inProgress && state.faults.includes('in-progress')) {
		throw new TypeError(
			`The ${profile.name} server has no in-progress answer (it blocks duplicates); script 'in-progress' only for ietf, stripe or 42min.`,
		);
	}
	const served: Served = {
		profile,
		state,
		basePath: normaliseBasePath(options.basePath ?? '/'),
		processingMs: options.processingMs ?? 0,
		signal: options.signal,
	};
	const answer = (request: Incoming) => answerRequest(served, request);

	const handle = async (request: Request): Promise<Response> => {
		const outgoing = await answer({
			method: request.method,
			url: new URL(request.url),
			// A copy: the state keeps it, and the caller's Request may be reused.
			headers: new Headers(request.headers),
			body: await request.text(),
		});
		return outgoing === DROPPED ? Response.error() : toResponse(outgoing);
	};
	const matches = (request: Request) =>
		matchRoute(request.method, new URL(request.url).pathname, served.basePath) !== undefined;

	return { profile, state, matches, handle, answer };
}
