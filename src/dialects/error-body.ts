import * as z from 'zod/mini';

const field = z.optional(z.unknown());
// Only the fields that can hold an error code; everything else in the body is ignored. Each is narrowed below rather
// than by the schema, so one oddly shaped field (`"error": null`, a Rails-style `errors` map) does not hide the others.
const ErrorBody = z.object({ code: field, type: field, error: field, errors: field });

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
	const parsed = ErrorBody.safeParse(body);
	if (!parsed.success) return [];
	const { data } = parsed;
	const found: (string | undefined)[] = [asCode(data.code)];
	if (typeof data.error === 'string') found.push(asCode(data.error));
	else if (isRecord(data.error)) found.push(asCode(data.error.code), asCode(data.error.type));
	const first = Array.isArray(data.errors) ? data.errors[0] : undefined;
	if (isRecord(first)) found.push(asCode(first.code));
	const type = asCode(data.type);
	// RFC 9457: "about:blank" adds no semantics beyond the status, so it names no code.
	if (type && type !== 'about:blank') found.push(type.includes('/') ? fromUri(type) : type);
	return found.filter((c): c is string => c !== undefined);
}
