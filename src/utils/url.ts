/*
URL rules every part of the client shares: which URLs a request may name, and how a URL is shown in an error
message or an event. A URL can carry credentials in two places (`user:password@` and the query string), so a
message never shows either.
*/

/** Schemes fetch can send a request to. */
export const isHttpUrl = (url: URL): boolean => url.protocol === 'http:' || url.protocol === 'https:';

/** `user:password@` in a URL: a credential that fetch would send and every log would print. */
export const hasUserInfo = (url: URL): boolean => url.username !== '' || url.password !== '';

/**
Query parameter names that hold an account's credential in well-known APIs. A call that puts one in its own path or
`searchParams` would have it journaled, fingerprinted and shown in errors; the client-level `searchParams` option is
where such a parameter goes. Exact names only: `token` or `key` alone also name pagination cursors and lookups.
*/
const CREDENTIAL_PARAMS = new Set([
	'api_key',
	'apikey',
	'api-key',
	'access_token',
	'auth_token',
	'client_secret',
	'password',
	'secret',
]);

/** The first query parameter of `params` whose name is a well-known credential, if any. */
export function credentialParam(params: Iterable<[string, string]>): string | undefined {
	for (const [name] of params) if (CREDENTIAL_PARAMS.has(name.toLowerCase())) return name;
	return undefined;
}

/** A URL as error messages and events show it: origin and path, never user info or the query string. */
export const describeUrl = (url: URL): string => `${url.origin}${url.pathname}`;

/** Text the caller gave as a URL, for an error message when it does not even parse: user info and query cut. */
export const describeUrlText = (text: string): string =>
	text.replace(/^([a-z][a-z0-9+.-]*:)?\/\/[^/?#]*@/i, '$1//').replace(/[?#].*$/s, '');
