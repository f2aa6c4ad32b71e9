import type { Dialect, DialectName } from '../../dialects/types.js';
import { canonicalJson } from '../../keys/canonical-json.js';
import { DialectState, type DialectStateOptions, type StoredResponse } from '../dialect-state.js';
import type { Fault } from '../faults/types.js';
import { json } from '../profiles/answers.js';
import { resolveProfile } from '../profiles/resolve.js';
import type { ProfileOverrides, ServerProfile } from '../profiles/types.js';
import { normaliseBasePath } from './base-path.js';
import { applyRoute, BODY_ACTIONS, parseObject } from './booking-api.js';
import { pause } from './pause.js';
import { DROPPED, isSuccess, type Outgoing, stored, toResponse } from './responses.js';
import { matchRoute, type Route } from './routes.js';

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

/** @internal A request as the server core reads it. */
export type Incoming = {
	readonly method: string;
	readonly url: URL;
	readonly headers: Headers;
	/** Body text (empty when none). */
	readonly body: string;
};

const NO_ROUTE = json(404, { error: { code: 'no_route', message: 'The booking API has no such endpoint.' } });

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
	const { answers } = profile;
	if (!answers.inProgress && state.faults.includes('in-progress')) {
		throw new TypeError(
			`The ${profile.name} server has no in-progress answer (it blocks duplicates); script 'in-progress' only for ietf, stripe or 42min.`,
		);
	}
	const basePath = normaliseBasePath(options.basePath ?? '/');
	const processingMs = options.processingMs ?? 0;
	const { signal } = options;
	const routeOf = (request: Request) => matchRoute(request.method, new URL(request.url).pathname, basePath);

	/** Runs the booking API for one request: applies the effect and returns the answer. */
	const process = async (
		route: Route,
		body: Record<string, unknown>,
		fault: Fault,
		holdMs: number,
		ids: { effect: string; logical: string },
	) => {
		await pause(processingMs + holdMs, signal);
		if (fault === '500') return stored(answers.serverError);
		const { answer, effect } = applyRoute(state, answers, route, body);
		if (effect) state.recordEffect(ids.effect, ids.logical);
		// A gateway error after the effect: a server that caches errors stores it as the key's answer.
		if (fault === '503-after' && profile.cachesErrors) return stored(answers.unavailable);
		return stored(answer);
	};

	/** What goes on the wire for an answer: the answer, unless a fault after processing replaces it. */
	const deliver = (fault: Fault, response: StoredResponse, replayed: boolean): Outgoing => {
		if (fault === 'drop-after-commit') return DROPPED;
		// Where the dialect caches errors, process() already stored this 503 as the key's answer.
		if (fault === '503-after') return stored(answers.unavailable);
		if (replayed && profile.replayHeader) {
			return { ...response, headers: [...response.headers, profile.replayHeader] };
		}
		return response;
	};

	const faultBefore = (fault: Fault): Outgoing | undefined => {
		if (typeof fault === 'object') return 'status' in fault ? stored(fault) : undefined;
		switch (fault) {
			case 'drop-before':
				return DROPPED;
			case '503-before':
				return stored(answers.unavailable);
			case '429':
				return stored(answers.rateLimited);
			case 'in-progress':
				if (!answers.inProgress) throw new TypeError(`The ${profile.name} server has no in-progress answer.`);
				return stored(answers.inProgress);
			default:
				return undefined;
		}
	};

	const answer = async (request: Incoming): Promise<Outgoing> => {
		const { url, headers, body: text } = request;
		const method = request.method.toUpperCase();
		const route = matchRoute(method, url.pathname, basePath);
		if (!route) return stored(NO_ROUTE);
		const path = url.pathname + url.search;
		const key = headers.get(profile.keyHeader);
		const { fault, latencyMs, holdMs } = state.nextFaults(answers.inProgress !== undefined);
		state.requests.push({
			method,
			path,
			key,
			body: text,
			headers,
			fault,
			latencyMs,
			holdMs,
		});
		await pause(latencyMs, signal);

		const early = faultBefore(fault);
		if (early) return early;

		const parsed = text ? parseObject(text) : undefined;
		if (BODY_ACTIONS.has(route.action) && !parsed) return stored(answers.invalidBody);
		const body = BODY_ACTIONS.has(route.action) ? (parsed ?? {}) : {};
		const ref = typeof parsed?.ref === 'string' ? parsed.ref : undefined;

		const keyed = profile.keyedMethods.includes(method) && !profile.keyless(method, url.pathname);
		if (!keyed || key === null) {
			if (keyed && answers.missingKey) return stored(answers.missingKey);
			const effect = `${method} ${path}`;
			const answer = await process(route, body, fault, holdMs, { effect, logical: ref ?? effect });
			return deliver(fault, answer, false);
		}
		if (key.length === 0 || key.length > profile.keyMaxLength) return stored(answers.invalidKey);

		const scope = profile.scopeHeader ? (headers.get(profile.scopeHeader) ?? '') : '';
		const storageId = `${scope}\u0000${key}`;
		const print = `${method} ${path}\n${profile.fingerprint === 'canonical-json' && text ? canonicalOrText(text) : text}`;

		for (;;) {
			const entry = state.entry(storageId, profile.retentionMs);
			if (!entry) break;
			if (entry.fingerprint !== print) return stored(answers.mismatch);
			if (entry.response) return deliver(fault, entry.response, true);
			if (answers.inProgress) return stored(answers.inProgress);
			// A blocking server: wait for the first request and answer with its response.
			const first = await entry.settled;
			if (first) return deliver(fault, first, true);
			// The first stored nothing (an error this server does not cache): the key is free again; loop to claim it.
		}

		const entry = state.claim(storageId, print);
		let response: StoredResponse | undefined;
		try {
			response = await process(route, body, fault, holdMs, { effect: key, logical: ref ?? key });
		} finally {
			const keep = response !== undefined && (isSuccess(response.status) || profile.cachesErrors);
			if (keep) entry.response = response;
			else if (state.keys.get(storageId) === entry) state.keys.delete(storageId);
			entry.settle(keep ? response : undefined);
		}
		return deliver(fault, response, false);
	};

	const handle = async (request: Request): Promise<Response> => {
		const incoming = {
			method: request.method,
			url: new URL(request.url),
			// A copy: the state keeps it, and the caller's Request may be reused.
			headers: new Headers(request.headers),
			body: await request.text(),
		};
		const outgoing = await answer(incoming);
		return outgoing === DROPPED ? Response.error() : toResponse(outgoing);
	};

	return { profile, state, matches: (request) => routeOf(request) !== undefined, handle, answer };
}

function canonicalOrText(text: string): string {
	try {
		return canonicalJson(JSON.parse(text));
	} catch {
		return text;
	}
}
