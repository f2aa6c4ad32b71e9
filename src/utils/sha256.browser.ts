/*
The browser build's sha256.ts (see scripts/browser-variants.ts): WebCrypto only. A browser has no node:crypto, so the
Node build's synchronous fast path could never be taken here; the hashes are the same bytes either way.
*/

/** Bytes as lowercase hex. */
export const hex = (buffer: ArrayBuffer): string => {
	let out = '';
	for (const byte of new Uint8Array(buffer)) out += byte.toString(16).padStart(2, '0');
	return out;
};

/** SHA-256 of `data` as lowercase hex. */
export const sha256HexWebCrypto = async (data: Uint8Array<ArrayBuffer>): Promise<string> =>
	hex(await crypto.subtle.digest('SHA-256', data));

export const sha256Hex = sha256HexWebCrypto;

const encoder = new TextEncoder();

/** SHA-256 of the UTF-8 encoding of `text`, as lowercase hex. */
export const sha256HexOfText = (text: string): Promise<string> => sha256Hex(encoder.encode(text));
