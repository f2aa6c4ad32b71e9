/** An endpoint of the emulated booking API. */
export type Route =
	| { readonly action: 'create' }
	| { readonly action: 'cancel' | 'read' | 'replace' | 'update' | 'delete'; readonly id: string };

const BY_METHOD: Readonly<Record<string, Route['action']>> = {
	GET: 'read',
	PUT: 'replace',
	PATCH: 'update',
	DELETE: 'delete',
};

/**
The route of a request, `undefined` when the API has none: `POST {base}bookings`, `POST {base}bookings/:id/cancel`,
and `GET`/`PUT`/`PATCH`/`DELETE {base}bookings/:id`. `basePath` ends with a slash.
*/
export function matchRoute(method: string, pathname: string, basePath: string): Route | undefined {
	if (!pathname.startsWith(basePath)) return undefined;
	const parts = pathname.slice(basePath.length).split('/');
	if (parts[0] !== 'bookings') return undefined;
	const upper = method.toUpperCase();
	if (parts.length === 1) return upper === 'POST' ? { action: 'create' } : undefined;
	const id = decode(parts[1] ?? '');
	if (!id) return undefined;
	if (parts.length === 3 && parts[2] === 'cancel')
		return upper === 'POST' ? { action: 'cancel', id } : undefined;
	const action = parts.length === 2 ? BY_METHOD[upper] : undefined;
	return action ? { action, id } : undefined;
}

function decode(segment: string): string | undefined {
	try {
		return decodeURIComponent(segment);
	} catch {
		return undefined;
	}
}
