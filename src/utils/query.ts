/*
The client's `searchParams`: credentials a server takes in the query string. They join each request's URL only as it
leaves (operation/send), so they are never part of a journaled URL, a fingerprint, an error message or an event.
*/

/** `url` with `pairs` appended to its query (after the call's own parameters), as a URL's searchParams would. */
export function withQuery(url: string, pairs: readonly (readonly [string, string])[]): string {
	if (pairs.length === 0) return url;
	const full = new URL(url);
	for (const [name, value] of pairs) full.searchParams.append(name, value);
	return full.href;
}
