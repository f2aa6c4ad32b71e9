import { InvalidRequestError } from '../errors/classes.js';
import { describeUrlText, hasUserInfo, isHttpUrl } from '../utils/url.js';

const refuse = (message: string, cause?: unknown) =>
	new InvalidRequestError(message, { field: 'baseUrl', ...(cause === undefined ? {} : { cause }) });

/**
The client's `baseUrl`, checked and normalised once at `createClient`: an absolute http(s) URL without credentials,
query or fragment, whose path ends in `/` so that every call's path extends it (`https://api.example.com/v1` is read
as `.../v1/`: without the slash, URL resolution would replace `v1` rather than extend it, and calls would silently
leave the API's version prefix). The origin it names is the only one the client's headers are ever sent to.
*/
export function normaliseBaseUrl(value: string | URL): URL {
	let url: URL;
	try {
		url = new URL(value instanceof URL ? value.href : value);
	} catch (error) {
		throw refuse(
			`baseUrl "${describeUrlText(String(value))}" is not an absolute URL (as in https://api.example.com/v1/).`,
			error,
		);
	}
	// The password is never echoed: the message names the origin only.
	if (hasUserInfo(url)) {
		throw refuse(
			`baseUrl for ${url.origin} carries a user name or password. Credentials go in the client's headers (Authorization) or searchParams, which are sent but never journaled or shown in errors.`,
		);
	}
	if (!isHttpUrl(url)) {
		throw refuse(`baseUrl must be an http: or https: URL; got a ${url.protocol} URL.`);
	}
	if (url.search !== '' || url.hash !== '') {
		throw refuse(
			`baseUrl for ${url.origin}${url.pathname} has a query or fragment, which path resolution would drop. Put query parameters sent on every call in the client's searchParams option.`,
		);
	}
	if (!url.pathname.endsWith('/')) url.pathname = `${url.pathname}/`;
	return url;
}
