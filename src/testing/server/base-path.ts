/**
A base path as the server matches it: one leading and one trailing slash (`v1`, `/v1` and `/v1/` are all `/v1/`).
Refuses what cannot be a URL path prefix.
*/
export function normaliseBasePath(text: string): string {
	const trimmed = text.trim();
	if (/[?#\s\\]/.test(trimmed) || trimmed.includes('//') || /(^|\/)\.\.?(\/|$)/.test(trimmed)) {
		throw new TypeError(`basePath "${text}" is not a URL path such as "/v1/".`);
	}
	const inner = trimmed.replace(/^\/+|\/+$/g, '');
	return inner === '' ? '/' : `/${inner}/`;
}
