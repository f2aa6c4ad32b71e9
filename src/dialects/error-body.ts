const isRecord = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

const asCode = (value: unknown): string | undefined =>
	typeof value === 'string' && value.length > 0 && value.length <= 200 ? value : undefined;

// problem+json `type` is a URI; its last path segment is the code ("…/probs/idempotency-key-reused").
const fromUri = (value: string): string => {
	const tail = value.replace(/[?#].*$/, '').replace(/\/+$/, '');
	const segment = tail.slice(tail.lastIndexOf('/') + 1);
	return segment.replaceAll('-', '_');
};

/** Every code-like value in an error body, most specific first. */
export function errorCodes(body: unknown): string[] {
	// Read by hand, not with a schema, so the browser bundle carries no validator for four fields. Only the fields that
	// can hold an error code are read, each narrowed on its own, so one oddly shaped field (`"error": null`, a
	// Rails-style `errors` map) does not hide the others.
	if (!isRecord(body)) return [];
	const found: (string | undefined)[] = [asCode(body.code)];
	if (typeof body.error === 'string') found.push(asCode(body.error));
	else if (isRecord(body.error)) found.push(asCode(body.error.code), asCode(body.error.type));
	const first = Array.isArray(body.errors) ? body.errors[0] : undefined;
	if (isRecord(first)) found.push(asCode(first.code));
	const type = asCode(body.type);
	// RFC 9457: "about:blank" adds no semantics beyond the status, so it names no code.
	if (type && type !== 'about:blank') found.push(type.includes('/') ? fromUri(type) : type);
	return found.filter((c): c is string => c !== undefined);
}
