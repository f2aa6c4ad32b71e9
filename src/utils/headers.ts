import { InvalidRequestError } from '../errors/classes.js';
import type { IdemHeadersInit } from '../types/options.js';

// Matches the common names (Authorization, Proxy-Authorization, Cookie, Set-Cookie, X-Api-Key, X-CSRF-Token) and
// vendor variants (X-Stripe-Secret, X-Bardge-Api-Key, Ocp-Apim-Subscription-Key, x-functions-key) without listing
// every vendor. It guards what may never be journaled even when asked (journalHeaders) and filters response headers;
// request headers are journaled from an allow-list, because a deny-list always misses one.
const SECRET_PATTERN = /(auth|token|secret|passw|session|cookie|credential|signature|api[-_]?key|[-_]key$)/i;
const KEY_HEADER = /^(x-)?idempotency[-_]key$/i;

/** Headers that look like credentials: never journaled, whatever the options say. */
export const isSecretHeader = (name: string): boolean => SECRET_PATTERN.test(name) && !KEY_HEADER.test(name);

/**
Request headers every journal record keeps: what a resend needs to carry the same meaning as the first attempt. The
rest (credentials above all) comes from the resuming client's own headers, or from the client's `journalHeaders`.
*/
export const JOURNALED_REQUEST_HEADERS: ReadonlySet<string> = new Set([
	'accept',
	'accept-language',
	'content-encoding',
	'content-language',
	'content-type',
]);

const NONE: ReadonlySet<string> = new Set();

/** RFC 9110 token: what a method and a header name are made of. */
export const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

// Visible Latin-1 plus space and tab. fetch refuses CR, LF, NUL and characters past U+00FF; undici refuses the other
// control characters only when it sends, which would surface as a network error after the attempt was claimed.
export const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

// Framing headers fetch sets itself: undici refuses these when it sends (a wrong Content-Length fails mid-request).
const FRAMING = new Set(['content-length', 'transfer-encoding', 'keep-alive', 'upgrade', 'expect']);

/** A header that fetch could not send (or that it sets itself), named but never its value: it may be a credential. */
const headerError = (why: string) => new InvalidRequestError(`headers: ${why}.`, { field: 'headers' });

/** Why fetch could not send the header pair, if it could not (`undefined` as a value removes the header). */
export function pairProblem(name: unknown, value: unknown): string | undefined {
	if (typeof name !== 'string' || !TOKEN.test(name)) {
		return "a name must be a token (letters, digits and !#$%&'*+.^_`|~-), without spaces or colons";
	}
	if (value === undefined) return undefined;
	if (typeof value !== 'string') return `"${name}" must have a string value (or undefined to leave it out)`;
	if (!HEADER_VALUE.test(value))
		return `"${name}" has a line break, a control character or a character past U+00FF`;
	if (FRAMING.has(name.toLowerCase())) return `"${name}" is set by fetch itself; leave it out`;
	return undefined;
}

/**
Merges header sets, later ones winning (`undefined` deletes), refusing with InvalidRequestError (field `headers`) what
fetch could not send.
*/
export function mergeHeaders(...inits: (IdemHeadersInit | undefined)[]): Headers {
	return mergeInto(new Headers(), inits);
}

/**
A copy of `checked`, headers mergeHeaders already refused nothing of (a client's), with `inits` merged over it as
mergeHeaders would: each call then checks only its own headers, not the client's again.
*/
export function mergeOver(checked: Headers, ...inits: (IdemHeadersInit | undefined)[]): Headers {
	return mergeInto(new Headers(checked), inits);
}

function mergeInto(out: Headers, inits: readonly (IdemHeadersInit | undefined)[]): Headers {
	for (const init of inits) {
		if (init === undefined || init === null) continue;
		if (typeof init !== 'object') throw headerError('expected an object, [name, value] pairs or Headers');
		const entries =
			init instanceof Headers ? init.entries() : Array.isArray(init) ? init : Object.entries(init);
		for (const pair of entries as Iterable<unknown>) {
			if (!Array.isArray(pair) || pair.length !== 2)
				throw headerError('an array must hold [name, value] pairs');
			const [name, value] = pair as [unknown, unknown];
			const why = pairProblem(name, value);
			if (why !== undefined) throw headerError(why);
			if (value === undefined) out.delete(name as string);
			else out.set(name as string, value as string);
		}
	}
	return out;
}

/** Request header pairs a journal record keeps: the allow-list plus `extra` (lower-case names, never secrets). */
export const persistableHeaders = (headers: Headers, extra: ReadonlySet<string> = NONE): [string, string][] =>
	[...headers].filter(([name]) => JOURNALED_REQUEST_HEADERS.has(name) || extra.has(name));

/**
All pairs but credentials: the response headers a record keeps (a journal replay answers with them), and the stored
request headers a resume trusts (a record from an older version or another program must not supply a credential).
*/
export const withoutSecretHeaders = (headers: Headers): [string, string][] =>
	[...headers].filter(([name]) => !isSecretHeader(name));
