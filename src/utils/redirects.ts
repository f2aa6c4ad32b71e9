import { hasUserInfo } from './url.js';

/*
Every request runs with fetch's `redirect: 'manual'`, because fetch's own following replays a 307/308 write, with its
body, Idempotency-Key and API-key headers, to wherever the Location points, and follows a loop about twenty times
per attempt. A write's redirect is therefore never followed: it is the write's answer (see classify). A read (GET,
HEAD) follows redirects that stay on its own origin, a few hops, carrying its headers, as a browser would.
*/

/** How many redirects in a row a GET or HEAD follows; the next one is its answer. */
export const MAX_REDIRECTS = 5;

/** The statuses fetch would follow, plus 0: the opaque redirect a browser hands back for `redirect: 'manual'`. */
export const REDIRECT_STATUSES: ReadonlySet<number> = new Set([0, 301, 302, 303, 307, 308]);

/** Where a read goes next, or `undefined` when `response` is its answer. */
export function nextHop(
	method: string,
	from: string,
	response: Pick<Response, 'status' | 'headers'>,
	hops: number,
): URL | undefined {
	if ((method !== 'GET' && method !== 'HEAD') || hops >= MAX_REDIRECTS) return undefined;
	if (response.status === 0 || !REDIRECT_STATUSES.has(response.status)) return undefined;
	const location = response.headers.get('location');
	if (location === null) return undefined;
	let next: URL;
	try {
		next = new URL(location, from);
	} catch {
		return undefined;
	}
	return next.origin === new URL(from).origin && !hasUserInfo(next) ? next : undefined;
}

type Fetch = (url: string, init: RequestInit) => Promise<Response>;

/**
Sends one request and follows a read's same-origin redirects itself: each hop with the same init (method, headers and
signal; a read has no body), to the URL its Location names. The init must say `redirect: 'manual'` (see above).
*/
export async function fetchFollowingReads(
	fetch: Fetch,
	url: string,
	init: RequestInit & { method: string; redirect: 'manual' },
): Promise<Response> {
	let response = await fetch(url, init);
	for (let hops = 0, from = url; REDIRECT_STATUSES.has(response.status); hops++) {
		const next = nextHop(init.method, from, response, hops);
		if (next === undefined) return response;
		// Release the connection the redirect's body holds before asking again.
		await response.body?.cancel().catch(() => {});
		from = next.href;
		response = await fetch(from, init);
	}
	return response;
}
