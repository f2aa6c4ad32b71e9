import { canonicalJson } from './canonical-json.js';

const encoder = new TextEncoder();

const hex = (buffer: ArrayBuffer): string => {
	const bytes = new Uint8Array(buffer);
	let out = '';
	for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
	return out;
};

export type FingerprintInput = {
	method: string;
	/** Path and query, without the origin: the same request to a mirror host is the same operation. */
	path: string;
	/** A JSON body (fingerprinted canonically) ... */
	json?: unknown;
	/** ... or raw bytes, fingerprinted as they are. */
	bytes?: Uint8Array | undefined;
};

/** SHA-256 (hex) of method, path and canonical body: what "the same request" means to the journal. */
export async function fingerprint(input: FingerprintInput): Promise<string> {
	const head = encoder.encode(`${input.method.toUpperCase()} ${input.path}\n`);
	const body =
		input.json !== undefined ? encoder.encode(canonicalJson(input.json)) : (input.bytes ?? new Uint8Array());
	const data = new Uint8Array(head.length + body.length);
	data.set(head, 0);
	data.set(body, head.length);
	return hex(await crypto.subtle.digest('SHA-256', data));
}
