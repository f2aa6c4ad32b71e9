/**
msw request handlers that behave like each dialect's real server, for testing code that calls those APIs with
idemkey (or anything else) without a network: key storage and replay, in-progress and mismatch answers, missing
keys, error caching, key-less endpoints, key retention, and faults scripted per request.

@example
```ts
import { setupServer } from 'msw/node';
import { createClient } from 'idemkey';
import { dialectHandlers } from 'idemkey/testing';

const mock = dialectHandlers('stripe', { baseUrl: 'https://api.test/v1/', faults: ['drop-after-commit'] });
const server = setupServer(...mock);
server.listen({ onUnhandledFrame: 'error' });

const api = createClient({ baseUrl: 'https://api.test/v1/', dialect: 'stripe' });
const res = await api.post('bookings', { json: { classId: 'c7' } });
res.replayed; // true: the first answer was lost, the retry got the stored one
mock.state.effectCount; // 1
```
*/
import { type HttpHandler, HttpResponse, http } from 'msw';
import type { Dialect, DialectName } from '../dialects/types.js';
import { canonicalJson } from '../keys/canonical-json.js';
import {
	type Booking,
	DialectState,
	type DialectStateOptions,
	type Fault,
	type ScriptedAnswer,
	type StoredResponse,
} from './dialect-state.js';

export type {
	Booking,
	DialectStateOptions,
	Fault,
	ScriptedAnswer,
	SeenRequest,
	StoredResponse,
} from './dialect-state.js';
export { DialectState } from './dialect-state.js';

const HOUR = 3_600_000;

/** The answers a server gives, as data. */
export type ProfileAnswers = {
	/** "A request with this key is still being processed"; `undefined`: the server blocks the duplicate instead. */
	readonly inProgress: ScriptedAnswer | undefined;
	/** Same key, different request. */
	readonly mismatch: ScriptedAnswer;
	/** A keyed endpoint called without a key; `undefined`: the key is optional (the request is processed unkeyed). */
	readonly missingKey: ScriptedAnswer | undefined;
	/** A key longer than `keyMaxLength`. */
	readonly invalidKey: ScriptedAnswer;
	readonly notFound: ScriptedAnswer;
	/** Cancelling a booking that is already cancelled. */
	readonly alreadyCancelled: ScriptedAnswer;
	/** A body that is not a JSON object where one is required (never stored under the key). */
	readonly invalidBody: ScriptedAnswer;
	/** The `'500'` fault. */
	readonly serverError: ScriptedAnswer;
	/** The `'503-before'` and `'503-after'` faults. */
	readonly unavailable: ScriptedAnswer;
	/** The `'429'` fault. */
	readonly rateLimited: ScriptedAnswer;
};

/**
How one API's server treats Idempotency-Keys. Written from each API's documentation (DESIGN §4), independently of
the client's dialect catalog, so a wrong catalog entry shows up as a failing test.
*/
export type ServerProfile = {
	readonly name: string;
	readonly keyHeader: string;
	/** Methods the server reads a key on; on other methods a key is ignored. */
	readonly keyedMethods: readonly string[];
	/** Endpoints that ignore keys even on a keyed method (`path` is the URL path, e.g. `/v1/bookings/b1/cancel`). */
	readonly keyless: (method: string, path: string) => boolean;
	readonly keyMaxLength: number;
	/** How long a key is remembered, in ms of `state.now()`. */
	readonly retentionMs: number;
	/** Header and value added to replayed answers; `undefined`: replays look like first answers. */
	readonly replayHeader: readonly [name: string, value: string] | undefined;
	/** Error answers (4xx/5xx) are stored and replayed too; otherwise only 2xx are, and an error frees the key. */
	readonly cachesErrors: boolean;
	/**
	What must match for a retry to count as the same request (always with method and path): the exact body bytes,
	or the body's canonical JSON (key order and whitespace do not matter).
	*/
	readonly fingerprint: 'bytes' | 'canonical-json';
	/** Request header whose value scopes keys (account, workspace); `undefined`: keys are global. */
	readonly scopeHeader: string | undefined;
	readonly answers: ProfileAnswers;
};

const json = (status: number, body: unknown, headers?: Record<string, string>): ScriptedAnswer =>
	headers ? { status, body, headers } : { status, body };

/** An RFC 9457 problem answer. */
const problem = (status: number, type: string, title: string, detail: string): ScriptedAnswer => ({
	status,
	body: { type, title, status, detail },
	headers: { 'content-type': 'application/problem+json' },
});

const common = {
	notFound: json(404, { error: { code: 'not_found', message: 'No such booking.' } }),
	alreadyCancelled: json(409, {
		error: { code: 'already_cancelled', message: 'The booking is already cancelled.' },
	}),
	invalidBody: json(422, {
		error: { code: 'validation_failed', message: 'The body must be a JSON object.' },
	}),
	serverError: json(500, { error: { code: 'internal_error', message: 'Something went wrong.' } }),
	unavailable: json(503, { error: { code: 'service_unavailable', message: 'Try again later.' } }),
	rateLimited: json(429, { error: { code: 'rate_limited', message: 'Slow down.' } }, { 'retry-after': '0' }),
} satisfies Partial<ProfileAnswers>;

const WRITES = ['POST', 'PUT', 'PATCH', 'DELETE'] as const;
const never = () => false;
const IETF_DOCS = 'https://developer.example.com/idempotency';
const PROBLEMS = 'https://problems.example.com';

const ietfProfile: ServerProfile = {
	name: 'ietf',
	keyHeader: 'Idempotency-Key',
	keyedMethods: WRITES,
	keyless: never,
	keyMaxLength: 255,
	// The draft leaves retention to the server's documentation; this server documents 24 h.
	retentionMs: 24 * HOUR,
	replayHeader: undefined,
	cachesErrors: false,
	fingerprint: 'bytes',
	scopeHeader: undefined,
	answers: {
		...common,
		// The draft's own examples (section "Error Scenarios").
		inProgress: problem(
			409,
			IETF_DOCS,
			'A request is outstanding for this Idempotency-Key',
			'A request with the same Idempotency-Key for the same operation is being processed or is outstanding.',
		),
		mismatch: problem(
			422,
			IETF_DOCS,
			'Idempotency-Key is already used for a different request payload',
			'This operation is idempotent and it requires correct usage of Idempotency Key. Idempotency Key MUST not be reused across different payloads of this operation.',
		),
		missingKey: problem(
			400,
			IETF_DOCS,
			'Idempotency-Key is missing',
			'This operation is idempotent and it requires correct usage of Idempotency Key.',
		),
		invalidKey: problem(
			400,
			IETF_DOCS,
			'Idempotency-Key is invalid',
			'The key is longer than 255 characters.',
		),
		notFound: problem(404, `${PROBLEMS}/not-found`, 'Booking not found', 'No such booking.'),
		alreadyCancelled: problem(
			409,
			`${PROBLEMS}/already-cancelled`,
			'Booking already cancelled',
			'The booking was cancelled before.',
		),
		invalidBody: problem(
			422,
			`${PROBLEMS}/validation`,
			'Validation failed',
			'The body must be a JSON object.',
		),
	},
};

const stripeError = (status: number, error: Record<string, string>): ScriptedAnswer =>
	json(status, { error });

const stripeProfile: ServerProfile = {
	name: 'stripe',
	keyHeader: 'Idempotency-Key',
	keyedMethods: ['POST'],
	keyless: never,
	keyMaxLength: 255,
	retentionMs: 24 * HOUR,
	replayHeader: ['Idempotent-Replayed', 'true'],
	cachesErrors: true,
	// Stripe compares the parameters, not their order.
	fingerprint: 'canonical-json',
	scopeHeader: 'Authorization',
	answers: {
		...common,
		inProgress: stripeError(409, {
			type: 'invalid_request_error',
			code: 'idempotency_key_in_use',
			message:
				'There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through).',
		}),
		mismatch: stripeError(400, {
			type: 'idempotency_error',
			message:
				'Keys for idempotent requests can only be used with the same parameters they were first used with.',
		}),
		missingKey: undefined,
		invalidKey: stripeError(400, {
			type: 'invalid_request_error',
			message: 'Invalid idempotency key: keys must be 255 characters or fewer.',
		}),
		notFound: stripeError(404, {
			type: 'invalid_request_error',
			code: 'resource_missing',
			message: 'No such booking.',
		}),
		alreadyCancelled: stripeError(400, {
			type: 'invalid_request_error',
			code: 'already_cancelled',
			message: 'The booking is already cancelled.',
		}),
		invalidBody: stripeError(400, {
			type: 'invalid_request_error',
			code: 'parameter_invalid',
			message: 'The body must be a JSON object.',
		}),
		serverError: stripeError(500, { type: 'api_error', message: 'An unknown error occurred.' }),
	},
};

const bardgeProfile: ServerProfile = {
	name: 'bardge',
	keyHeader: 'Idempotency-Key',
	keyedMethods: WRITES,
	keyless: (method, path) => method === 'POST' && /\/bookings\/[^/]+\/cancel$/.test(path),
	keyMaxLength: 255,
	retentionMs: 90_000,
	replayHeader: ['X-Idempotent-Replayed', 'true'],
	cachesErrors: false,
	fingerprint: 'bytes',
	scopeHeader: undefined,
	answers: {
		...common,
		inProgress: undefined,
		mismatch: json(409, {
			error: 'idempotency_error',
			code: 'idempotency_key_reused',
			message: 'This Idempotency-Key was used with a different request.',
		}),
		missingKey: undefined,
		invalidKey: json(400, { error: 'invalid_idempotency_key', message: 'Keys are at most 255 characters.' }),
		notFound: json(404, { error: 'not_found', message: 'No such booking.' }),
		alreadyCancelled: json(409, { error: 'already_cancelled', message: 'The booking is already cancelled.' }),
	},
};

const fortyTwoMinError = (status: number, code: string, message: string, headers?: Record<string, string>) =>
	json(status, { error: { code, message } }, headers);

const fortyTwoMinProfile: ServerProfile = {
	name: '42min',
	keyHeader: 'Idempotency-Key',
	keyedMethods: WRITES,
	keyless: never,
	keyMaxLength: 255,
	retentionMs: 24 * HOUR,
	replayHeader: undefined,
	cachesErrors: false,
	fingerprint: 'canonical-json',
	scopeHeader: 'Authorization',
	answers: {
		...common,
		inProgress: fortyTwoMinError(
			409,
			'idempotency_in_progress',
			'A request with this Idempotency-Key is in progress.',
			{ 'retry-after': '1' },
		),
		mismatch: fortyTwoMinError(
			409,
			'idempotency_key_conflict',
			'This Idempotency-Key was used with a different request body.',
		),
		missingKey: fortyTwoMinError(
			400,
			'missing_idempotency_key',
			'This endpoint requires an Idempotency-Key.',
		),
		invalidKey: fortyTwoMinError(400, 'invalid_idempotency_key', 'Keys are at most 255 characters.'),
	},
};

const repullProfile: ServerProfile = {
	name: 'repull',
	keyHeader: 'Idempotency-Key',
	keyedMethods: ['POST', 'PUT', 'PATCH'],
	keyless: never,
	keyMaxLength: 255,
	retentionMs: 24 * HOUR,
	replayHeader: ['Idempotency-Status', 'cached'],
	cachesErrors: false,
	fingerprint: 'bytes',
	scopeHeader: 'Authorization',
	answers: {
		...common,
		// Not documented: this emulation blocks duplicates and refuses reuse with the generic code.
		inProgress: undefined,
		mismatch: json(409, {
			error: {
				code: 'idempotency_key_reused',
				message: 'This Idempotency-Key was used with a different request.',
			},
		}),
		missingKey: undefined,
		invalidKey: json(400, {
			error: { code: 'invalid_idempotency_key', message: 'Keys are at most 255 characters.' },
		}),
	},
};

const problemProfile: ServerProfile = {
	name: 'problem',
	keyHeader: 'Idempotency-Key',
	keyedMethods: WRITES,
	keyless: never,
	keyMaxLength: 255,
	// Not documented: this emulation keeps keys 24 h.
	retentionMs: 24 * HOUR,
	replayHeader: undefined,
	cachesErrors: false,
	// Method, path, body and key must all match.
	fingerprint: 'bytes',
	scopeHeader: undefined,
	answers: {
		...common,
		inProgress: undefined,
		// A generic problem: `about:blank` and the status phrase; only the status says what happened.
		mismatch: problem(
			409,
			'about:blank',
			'Conflict',
			'The Idempotency-Key was already used for a request with another method, path or body.',
		),
		missingKey: undefined,
		invalidKey: problem(400, `${PROBLEMS}/invalid-idempotency-key`, 'Invalid idempotency key', 'Too long.'),
		notFound: problem(404, `${PROBLEMS}/not-found`, 'Not found', 'No such booking.'),
		alreadyCancelled: problem(409, `${PROBLEMS}/already-cancelled`, 'Already cancelled', 'Cancelled before.'),
		invalidBody: problem(
			422,
			`${PROBLEMS}/validation`,
			'Validation failed',
			'The body must be a JSON object.',
		),
	},
};

/** The server behaviour of every built-in dialect. */
export const serverProfiles: Readonly<Record<DialectName, ServerProfile>> = Object.freeze({
	ietf: ietfProfile,
	stripe: stripeProfile,
	bardge: bardgeProfile,
	'42min': fortyTwoMinProfile,
	repull: repullProfile,
	problem: problemProfile,
});

export type DialectHandlersOptions = DialectStateOptions & {
	/** Base URL of the booking API; the handlers answer under it (`{baseUrl}bookings`, ...). */
	baseUrl: string | URL;
	/**
	State to use, e.g. shared by several handler sets; when given, `faults`, `now` and `bookings` are ignored.
	@default a new DialectState built from `faults`, `now` and `bookings`
	*/
	state?: DialectState;
	/** Processing time of each request, in ms, while its key is held (lets concurrent duplicates overlap). */
	latencyMs?: number;
	/** Overrides of the dialect's server profile (answers are merged one by one). */
	profile?: Partial<Omit<ServerProfile, 'answers'>> & { answers?: Partial<ProfileAnswers> };
};

/** msw handlers plus the state they act on and the profile they follow. */
export type DialectHandlers = HttpHandler[] & {
	readonly state: DialectState;
	readonly profile: ServerProfile;
};

/**
msw `http` handlers for a small booking API that behaves like `dialect`'s server:

- `POST {base}bookings` creates a booking (201), `GET {base}bookings/:id` reads one,
  `PUT`/`PATCH {base}bookings/:id` change one (200), `DELETE {base}bookings/:id` deletes one (204),
  `POST {base}bookings/:id/cancel` cancels one (200; the dialect's "already cancelled" answer the second time).
- On keyed requests the first answer is stored per key (per scope header value where the API scopes keys) for the
  dialect's retention and replayed, with the dialect's replay header, to every later request with that key and the
  same fingerprint; another request under the same key gets the mismatch answer; a duplicate arriving while the
  first is processed gets the in-progress answer, or waits for the first and gets its answer (Bardge).
- Faults scripted in `faults` (or pushed to `state.faults`) apply to the coming requests in order.

A `Dialect` object is served by the profile of the built-in dialect with the same name; otherwise by the IETF
profile adapted to the object's key header, keyed methods, key-less endpoints, key length, retention, single
replay header and error caching.
*/
export function dialectHandlers(
	dialect: DialectName | Dialect,
	options: DialectHandlersOptions,
): DialectHandlers {
	const profile = resolveProfile(dialect, options.profile);
	const state = options.state ?? new DialectState(options);
	if (!profile.answers.inProgress && state.faults.includes('in-progress')) {
		throw new TypeError(
			`The ${profile.name} server has no in-progress answer (it blocks duplicates); script 'in-progress' only for ietf, stripe or 42min.`,
		);
	}
	const base = String(options.baseUrl).replace(/\/*$/, '/');
	const serve = createServe(profile, state, options.latencyMs ?? 0);
	const handlers = [
		http.post(`${base}bookings`, ({ request }) => serve(request, { action: 'create' })),
		http.post(`${base}bookings/:id/cancel`, ({ request, params }) =>
			serve(request, { action: 'cancel', id: String(params.id) }),
		),
		http.get(`${base}bookings/:id`, ({ request, params }) =>
			serve(request, { action: 'read', id: String(params.id) }),
		),
		http.put(`${base}bookings/:id`, ({ request, params }) =>
			serve(request, { action: 'replace', id: String(params.id) }),
		),
		http.patch(`${base}bookings/:id`, ({ request, params }) =>
			serve(request, { action: 'update', id: String(params.id) }),
		),
		http.delete(`${base}bookings/:id`, ({ request, params }) =>
			serve(request, { action: 'delete', id: String(params.id) }),
		),
	];
	return Object.assign(handlers, { state, profile });
}

function resolveProfile(
	dialect: DialectName | Dialect,
	overrides: DialectHandlersOptions['profile'],
): ServerProfile {
	const name = typeof dialect === 'string' ? dialect : dialect.name;
	let found: ServerProfile | undefined = Object.hasOwn(serverProfiles, name)
		? serverProfiles[name as DialectName]
		: undefined;
	if (!found && typeof dialect === 'string') {
		throw new TypeError(
			`Unknown dialect "${dialect}"; use one of ${Object.keys(serverProfiles).join(', ')}.`,
		);
	}
	if (!found && typeof dialect !== 'string') {
		const replay = dialect.replayHeaders.length === 1 ? dialect.replayHeaders[0] : undefined;
		found = {
			...ietfProfile,
			name: dialect.name,
			keyHeader: dialect.keyHeader,
			keyedMethods: dialect.keyedMethods,
			keyless: dialect.keyless,
			keyMaxLength: dialect.keyMaxLength,
			retentionMs: dialect.retentionMs ?? ietfProfile.retentionMs,
			replayHeader: replay ? [replay.name, replay.value] : undefined,
			cachesErrors: dialect.cachesErrors,
		};
	}
	const profile = found as ServerProfile;
	if (!overrides) return profile;
	const { answers, ...rest } = overrides;
	return { ...profile, ...rest, answers: { ...profile.answers, ...answers } };
}

type Route =
	| { action: 'create' }
	| { action: 'cancel' | 'read' | 'replace' | 'update' | 'delete'; id: string };

const BODY_ACTIONS = new Set(['create', 'replace', 'update']);

function createServe(profile: ServerProfile, state: DialectState, latencyMs: number) {
	const { answers } = profile;

	/** Runs the booking API for one request: applies the effect (counted under `effectId`) and returns the answer. */
	const process = async (route: Route, body: Record<string, unknown>, fault: Fault, effectId: string) => {
		if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
		if (fault === '500') return stored(answers.serverError);
		const { answer, effect } = applyRoute(state, answers, route, body);
		if (effect) state.recordEffect(effectId);
		return stored(answer);
	};

	/** What goes on the wire for an answer: the answer, unless a fault after processing replaces it. */
	const deliver = (fault: Fault, response: StoredResponse, replayed: boolean): Response => {
		if (fault === 'drop-after-commit') return HttpResponse.error();
		if (fault === '503-after') return toResponse(stored(answers.unavailable));
		if (replayed && profile.replayHeader) {
			return toResponse({ ...response, headers: [...response.headers, profile.replayHeader] });
		}
		return toResponse(response);
	};

	return async (request: Request, route: Route): Promise<Response> => {
		const url = new URL(request.url);
		const path = url.pathname + url.search;
		const method = request.method.toUpperCase();
		const text = await request.text();
		const key = request.headers.get(profile.keyHeader);
		const fault = state.takeFault();
		state.requests.push({ method, path, key, body: text, headers: new Headers(request.headers), fault });

		const early = faultBefore(fault, answers, profile.name);
		if (early) return early;

		let body: Record<string, unknown> = {};
		if (BODY_ACTIONS.has(route.action)) {
			const parsed = parseObject(text);
			if (!parsed) return toResponse(stored(answers.invalidBody));
			body = parsed;
		}

		const keyed = profile.keyedMethods.includes(method) && !profile.keyless(method, url.pathname);
		if (!keyed || key === null) {
			if (keyed && answers.missingKey) return toResponse(stored(answers.missingKey));
			return deliver(fault, await process(route, body, fault, `${method} ${path}`), false);
		}
		if (key.length === 0 || key.length > profile.keyMaxLength) return toResponse(stored(answers.invalidKey));

		const scope = profile.scopeHeader ? (request.headers.get(profile.scopeHeader) ?? '') : '';
		const storageId = `${scope}\u0000${key}`;
		const print = `${method} ${path}\n${profile.fingerprint === 'canonical-json' && text ? canonicalOrText(text) : text}`;

		for (;;) {
			const entry = state.entry(storageId, profile.retentionMs);
			if (!entry) break;
			if (entry.fingerprint !== print) return toResponse(stored(answers.mismatch));
			if (entry.response) return deliver(fault, entry.response, true);
			if (answers.inProgress) return toResponse(stored(answers.inProgress));
			// A blocking server: wait for the first request and answer with its response.
			const first = await entry.settled;
			if (first) return deliver(fault, first, true);
			// The first stored nothing (an error this server does not cache): the key is free again; loop to claim it.
		}

		const entry = state.claim(storageId, print);
		let response: StoredResponse | undefined;
		try {
			response = await process(route, body, fault, key);
		} finally {
			const keep = response !== undefined && (isSuccess(response.status) || profile.cachesErrors);
			if (keep) entry.response = response;
			else if (state.keys.get(storageId) === entry) state.keys.delete(storageId);
			entry.settle(keep ? response : undefined);
		}
		return deliver(fault, response, false);
	};
}

function faultBefore(fault: Fault, answers: ProfileAnswers, name: string): Response | undefined {
	if (typeof fault === 'object') return toResponse(stored(fault));
	switch (fault) {
		case 'drop-before':
			return HttpResponse.error();
		case '503-before':
			return toResponse(stored(answers.unavailable));
		case '429':
			return toResponse(stored(answers.rateLimited));
		case 'in-progress':
			if (!answers.inProgress) throw new TypeError(`The ${name} server has no in-progress answer.`);
			return toResponse(stored(answers.inProgress));
		default:
			return undefined;
	}
}

/** The booking API itself; `effect` says whether state changed. */
function applyRoute(
	state: DialectState,
	answers: ProfileAnswers,
	route: Route,
	body: Record<string, unknown>,
): { answer: ScriptedAnswer; effect: boolean } {
	if (route.action === 'create') {
		const booking: Booking = { ...body, id: state.newBookingId(), status: 'confirmed' };
		state.bookings.set(booking.id, booking);
		return { answer: json(201, booking), effect: true };
	}
	const existing = state.bookings.get(route.id);
	if (!existing) return { answer: answers.notFound, effect: false };
	switch (route.action) {
		case 'read':
			return { answer: json(200, existing), effect: false };
		case 'cancel': {
			if (existing.status === 'cancelled') return { answer: answers.alreadyCancelled, effect: false };
			const cancelled: Booking = { ...existing, status: 'cancelled' };
			state.bookings.set(route.id, cancelled);
			return { answer: json(200, cancelled), effect: true };
		}
		case 'replace':
		case 'update': {
			const next: Booking = {
				...(route.action === 'update' ? existing : {}),
				...body,
				id: existing.id,
				status: existing.status,
			};
			state.bookings.set(route.id, next);
			return { answer: json(200, next), effect: true };
		}
		case 'delete':
			state.bookings.delete(route.id);
			return { answer: { status: 204 }, effect: true };
	}
}

const isSuccess = (status: number) => status >= 200 && status < 300;

function parseObject(text: string): Record<string, unknown> | undefined {
	try {
		const value: unknown = JSON.parse(text);
		return typeof value === 'object' && value !== null && !Array.isArray(value)
			? (value as Record<string, unknown>)
			: undefined;
	} catch {
		return undefined;
	}
}

function canonicalOrText(text: string): string {
	try {
		return canonicalJson(JSON.parse(text));
	} catch {
		return text;
	}
}

function stored(answer: ScriptedAnswer): StoredResponse {
	const headers = Object.entries(answer.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v] as const);
	const { body } = answer;
	if (body === undefined) return { status: answer.status, headers, body: '' };
	if (typeof body === 'string') return { status: answer.status, headers, body };
	if (!headers.some(([name]) => name === 'content-type')) headers.push(['content-type', 'application/json']);
	return { status: answer.status, headers, body: JSON.stringify(body) };
}

function toResponse(response: StoredResponse): Response {
	const bodyless = response.body === '' || response.status === 204 || response.status === 304;
	return new HttpResponse(bodyless ? null : response.body, {
		status: response.status,
		headers: response.headers.map(([name, value]) => [name, value] as [string, string]),
	});
}
