import { IdempotencyError } from '../errors/base.js';
import type { Attributes } from './otel.js';

/*
What the spans say, decided without I/O: the attribute names are a contract (dashboards and alerts are built on them),
so they live here, once. The HTTP ones follow OpenTelemetry's stable HTTP client conventions.
*/

/** How a logical operation ended, for `idemkey.outcome`: what a caller needs to know about the effect. */
export type Outcome = 'succeeded' | 'failed' | 'unknown' | 'not_sent' | 'aborted';

const OUTCOMES: Record<string, Outcome> = {
	// Applied: the server answered 2xx and only the caller's schema refused the body.
	response_invalid: 'succeeded',
	rejected: 'failed',
	key_reused: 'failed',
	key_missing: 'failed',
	abandoned: 'failed',
	outcome_unknown: 'unknown',
	in_progress: 'unknown',
	key_expired: 'unknown',
	not_sent: 'not_sent',
	journal: 'not_sent',
	invalid_request: 'not_sent',
};

/** The outcome a call's error means; anything but an idemkey error is the caller's abort (or a bug), nothing applied. */
export const outcomeOf = (error: unknown): Outcome =>
	(error instanceof IdempotencyError && OUTCOMES[error.code]) || 'aborted';

/** `error.type`: an idemkey error's stable code, else the error's name. */
export const errorType = (error: unknown): string =>
	error instanceof IdempotencyError ? error.code : ((error as Error | undefined)?.name ?? '_OTHER');

const KNOWN_METHOD = /^(GET|HEAD|POST|PUT|DELETE|CONNECT|OPTIONS|TRACE|PATCH)$/;

/**
Query parameters whose values never reach a span: OpenTelemetry's list (signed URLs) and anything named like a secret.
The client's own `searchParams` (where credentials belong) are added as the request leaves and never seen here.
*/
const SECRET_PARAM =
	/^(awsaccesskeyid|signature|sig|x-goog-signature)$|key|token|secret|pass|auth|cred|session/i;

/**
`url.full`: secret query values replaced by `REDACTED`, no fragment (a request's URL never has user info: refused
before it is journaled, see operation/prepare.ts).
*/
export function urlFull(url: URL): string {
	// Most calls have neither: no second parse.
	if (url.search === '' && url.hash === '') return url.href;
	const shown = new URL(url);
	shown.hash = '';
	for (const name of new Set(shown.searchParams.keys())) {
		if (SECRET_PARAM.test(name)) shown.searchParams.set(name, 'REDACTED');
	}
	return shown.href;
}

/** What every attempt of one request says: method, URL and server. */
export function requestAttributes(method: string, href: string): Attributes {
	const url = new URL(href);
	const known = KNOWN_METHOD.test(method);
	const attributes: Attributes = {
		'http.request.method': known ? method : '_OTHER',
		'url.full': urlFull(url),
		'server.address': url.hostname,
		'server.port': Number(url.port) || (url.protocol === 'https:' ? 443 : 80),
	};
	if (!known) attributes['http.request.method_original'] = method;
	return attributes;
}

/** What one attempt got: a status (an error from 400 up, as the conventions have it), or the transport's error kind. */
export function answerAttributes(answer: { status?: number; error?: string }): Attributes {
	const { status, error } = answer;
	if (status === undefined) return { 'error.type': error ?? '_OTHER' };
	return status >= 400
		? { 'http.response.status_code': status, 'error.type': String(status) }
		: { 'http.response.status_code': status };
}
