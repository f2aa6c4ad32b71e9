import { sha256Hex, sha256HexOfText } from '../utils/sha256.js';
import { canonicalJson } from './canonical-json.js';

const encoder = new TextEncoder();

export type FingerprintInput = {
	method: string;
	/** Path and query, without the origin: the same request to a mirror host is the same operation. */
	path: string;
	/** A JSON body (fingerprinted canonically) ... */
	json?: unknown;
	/** ... or one already written by `canonicalJson` (the request body's own text: serialised once, not twice) ... */
	canonical?: string | undefined;
	/** ... or raw bytes, fingerprinted as they are. */
	bytes?: Uint8Array | undefined;
};

/** SHA-256 (hex) of method, path and canonical body: what "the same request" means to the journal. */
export async function fingerprint(input: FingerprintInput): Promise<string> {
	const headText = `${input.method.toUpperCase()} ${input.path}\n`;
	// The same bytes either way: UTF-8 of the head, then of the canonical JSON or the raw body.
	if (input.canonical !== undefined) return sha256HexOfText(headText + input.canonical);
	if (input.json !== undefined) return sha256HexOfText(headText + canonicalJson(input.json));
	const head = encoder.encode(headText);
	const body = input.bytes ?? new Uint8Array();
	const data = new Uint8Array(head.length + body.length);
	data.set(head, 0);
	data.set(body, head.length);
	return sha256Hex(data);
}
