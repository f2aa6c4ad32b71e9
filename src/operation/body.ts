import { InvalidRequestError } from '../errors/classes.js';
import type { JournalRecord } from '../journal/record.js';
import { canonicalJsonOrUndefined } from '../keys/canonical-json.js';
import { fromBase64 } from '../utils/base64.js';
import { encodeFormData } from './form-data-body.js';
import type { PreparedRequest } from './prepare.js';

export type SerialisedBody = {
	bytes: Uint8Array<ArrayBuffer> | undefined;
	contentType: string | undefined;
	/** A `json` body's canonical text: what `bytes` encode, and what the fingerprint hashes. */
	canonical?: string;
};

const encoder = new TextEncoder();

const invalid = (message: string) => new InvalidRequestError(message, { field: 'body' });

/**
Serialises the body exactly once. Servers fingerprint raw bytes (or key-order-sensitive JSON), so every retry must resend these same bytes. A FormData is encoded with a boundary derived from its entries, not a random one, so a rerun by another process sends the same bytes too.
A `json` body is written as canonical JSON (sorted keys), not in the caller's key order: the bytes are then a function of the logical request, so a rerun by another caller, process or version whose object lists its keys in another order sends the very bytes of the first attempt, which a server comparing raw bytes requires.
*/
export async function serialiseBody(
	json: unknown,
	body: BodyInit | null | undefined,
): Promise<SerialisedBody> {
	body ??= undefined;
	if (json !== undefined && body !== undefined) throw invalid('Pass either `json` or `body`, not both.');
	if (json !== undefined) {
		let text: string | undefined;
		try {
			text = canonicalJsonOrUndefined(json);
		} catch (error) {
			throw new InvalidRequestError(`The json body cannot be serialised: ${(error as Error).message}`, {
				field: 'body',
				cause: error,
			});
		}
		if (text === undefined) throw invalid('The json body serialises to nothing (a function or symbol?).');
		return { bytes: encoder.encode(text), contentType: 'application/json', canonical: text };
	}
	if (body === undefined) return { bytes: undefined, contentType: undefined };
	if (typeof FormData !== 'undefined' && body instanceof FormData) return encodeFormData(body);
	if (typeof ReadableStream !== 'undefined' && body instanceof ReadableStream) {
		throw invalid(
			'A ReadableStream body cannot be resent byte for byte on retry: buffer it first (`await new Response(stream).arrayBuffer()`).',
		);
	}
	if (
		typeof body === 'string' ||
		body instanceof URLSearchParams ||
		body instanceof ArrayBuffer ||
		ArrayBuffer.isView(body) ||
		(typeof Blob !== 'undefined' && body instanceof Blob)
	) {
		// Fetch's own reading of a body: a copy of its bytes, and the content type fetch would send with it.
		const read = new Response(body);
		return {
			bytes: new Uint8Array(await read.arrayBuffer()),
			contentType: read.headers.get('content-type') ?? undefined,
		};
	}
	throw invalid(
		`Unsupported body type ${Object.prototype.toString.call(body)}; pass json, a string, bytes, a Blob, URLSearchParams or FormData.`,
	);
}

/**
A rerun resends the bytes the operation's record kept, when it kept them. Equal fingerprints mean the same logical
request, and this version writes JSON canonically, so these are the bytes about to go out anyway, except in a record
written by an earlier idemkey (the caller's key order), which a server comparing raw bytes would call a reused key.
*/
export function sameBytesAsBefore(
	request: PreparedRequest,
	record: JournalRecord,
	ours: boolean,
): PreparedRequest {
	const stored = record.request?.body;
	if (ours || stored === undefined || request.body === undefined) return request;
	let body: Uint8Array<ArrayBuffer>;
	try {
		body = fromBase64(stored) as Uint8Array<ArrayBuffer>;
	} catch {
		return request;
	}
	return { ...request, body };
}
