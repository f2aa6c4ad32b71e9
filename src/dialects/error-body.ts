import * as z from 'zod/mini';

const code = z.optional(z.unknown());
// Only the fields that can hold an error code; everything else in the body is ignored.
const ErrorBody = z.object({
	code,
	type: code,
	error: z.optional(z.union([z.string(), z.object({ code, type: code })])),
	errors: z.optional(z.array(z.unknown())),
});

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
	else if (data.error) found.push(asCode(data.error.code), asCode(data.error.type));
	const first = data.errors?.[0];
	if (first && typeof first === 'object') found.push(asCode((first as { code?: unknown }).code));
	const type = asCode(data.type);
	if (type) found.push(type.includes('/') ? fromUri(type) : type);
	return found.filter((c): c is string => c !== undefined);
}
