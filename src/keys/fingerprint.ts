import { sha256Hex } from '../utils/sha256.js';
import { canonicalJson } from './canonical-json.js';

const encoder = new TextEncoder();

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
	return sha256Hex(data);
}
