import { usageError } from '../cli-error.js';

/** `--base-url`: an http(s) origin (a path, query or fragment would be silently dropped, so refuse them). */
export function originFlag(value: string): URL {
	let url: URL;
	try {
		url = new URL(value);
	} catch {
		throw usageError(`--base-url "${value}" is not a URL (as in https://api.example.com).`);
	}
	if (
		(url.protocol !== 'http:' && url.protocol !== 'https:') ||
		url.pathname !== '/' ||
		url.search ||
		url.hash
	) {
		throw usageError(
			`--base-url takes an http(s) origin such as https://api.example.com:8443 (paths are kept from the journal), got "${value}".`,
		);
	}
	return url;
}

/**
A fetch that sends every request to `origin` instead, keeping path, query, method, headers and bytes. The journal
keeps naming the original URL: moving a server does not make its operations new ones (the fingerprint names the path).
*/
export function rebasedFetch(
	origin: URL,
	inner: typeof fetch = (...args) => globalThis.fetch(...args),
): typeof fetch {
	return async (input, init) => {
		const request = new Request(input, init);
		const url = new URL(request.url);
		url.protocol = origin.protocol;
		url.host = origin.host;
		return inner(url, {
			method: request.method,
			headers: request.headers,
			body: request.body ? await request.arrayBuffer() : null,
			signal: request.signal,
			redirect: request.redirect,
		});
	};
}
