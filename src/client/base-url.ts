import { InvalidRequestError } from '../errors/classes.js';
import { describeUrlText, hasUserInfo, isHttpUrl } from '../utils/url.js';

/**
The client's `baseUrl`, checked and normalised once at `createClient`: an absolute http(s) URL without credentials,
query or fragment, whose path ends in `/` so that every call's path extends it (`https://api.example.com/v1` is read
as `.../v1/`: without the slash, URL resolution would replace `v1` rather than extend it, and calls would silently
leave the API's version prefix). The origin it names is the only one the client's headers are ever sent to.
*/
export function normaliseBaseUrl(value: string | URL): URL {
	let url: URL;
	try {
		url = new URL(value);
	} catch (cause) {
		throw refuse(
			`"${describeUrlText(String(value))}" is not an absolute URL (as in https://api.example.com/v1/)`,
			cause,
		);
	}
	const why = problemOf(url);
	if (why !== undefined) throw refuse(why);
	if (!url.pathname.endsWith('/')) url.pathname = `${url.pathname}/`;
	return url;
}

/** What is wrong with a parsed baseUrl, if anything; never showing its user info or query. */
function problemOf(url: URL): string | undefined {
	if (hasUserInfo(url)) {
		return `for ${url.origin} carries a user name or password: put credentials in the client's headers or searchParams`;
	}
	if (!isHttpUrl(url)) return `must be an http: or https: URL; got a ${url.protocol} URL`;
	if (url.search !== '' || url.hash !== '') {
		return `for ${url.origin}${url.pathname} has a query or fragment: put query parameters in the client's searchParams`;
	}
	return undefined;
}

const refuse = (why: string, cause?: unknown) =>
	new InvalidRequestError(`baseUrl ${why}.`, { field: 'baseUrl', ...(cause === undefined ? {} : { cause }) });
