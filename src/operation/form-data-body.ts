import { sha256Hex } from '../utils/sha256.js';

export type EncodedForm = { bytes: Uint8Array<ArrayBuffer>; contentType: string };

const encoder = new TextEncoder();

/**
Encodes a FormData as multipart/form-data the way the HTML standard (and fetch) does, with one difference: the
boundary is derived from the content instead of drawn at random. `new Response(form)` picks a new boundary per
serialisation, so the same form would be other bytes, and another fingerprint, on every run: a rerun of an
unfinished operation would be refused as key reuse by the journal, and a server comparing raw bytes would see
another request. Here the bytes are a function of the entries (names, values, file names, types and contents).
Uses only web-standard APIs: this path runs in browsers.
*/
export async function encodeFormData(form: FormData): Promise<EncodedForm> {
	const parts: Part[] = [];
	for (const [name, value] of form) {
		const nameParam = `form-data; name="${escapeParam(toCrlf(name))}"`;
		if (typeof value === 'string') {
			parts.push({
				head: encoder.encode(`Content-Disposition: ${nameParam}\r\n\r\n`),
				content: encoder.encode(toCrlf(value)),
			});
		} else {
			// A File always gets its filename (`filename=""` when it has none), as browsers write it: without one, the
			// receiving side reads the part as a text field. Blob types are printable ASCII, so need no escaping.
			const head =
				`Content-Disposition: ${nameParam}; filename="${escapeParam(value.name)}"\r\n` +
				`Content-Type: ${value.type || 'application/octet-stream'}\r\n\r\n`;
			parts.push({ head: encoder.encode(head), content: new Uint8Array(await value.arrayBuffer()) });
		}
	}
	const boundary = chooseBoundary(await sha256Hex(digestInput(parts)), (candidate) => {
		const needle = encoder.encode(candidate);
		return parts.some((part) => containsBytes(part.head, needle) || containsBytes(part.content, needle));
	});
	return { bytes: assemble(parts, boundary), contentType: `multipart/form-data; boundary=${boundary}` };
}

type Part = { head: Uint8Array; content: Uint8Array };

/**
The boundary for a body whose digest is `digestHex`: the first candidate that `occurs` says is in no part. A 128-bit
digest of the content occurring in that content is practically impossible (the content would have to contain its
own hash), but the format breaks if it ever does, so the next candidates are tried in a fixed order: the result
stays a function of the content.
*/
export function chooseBoundary(digestHex: string, occurs: (candidate: string) => boolean): string {
	const base = `idemkey-${digestHex.slice(0, 32)}`;
	if (!occurs(base)) return base;
	// Each candidate that occurs takes a distinct place in the finite content, so the loop ends.
	for (let n = 1; ; n++) {
		const candidate = `${base}-${n}`;
		if (!occurs(candidate)) return candidate;
	}
}

// The HTML standard's multipart/form-data encoding: line breaks in names and text values become CRLF, then a
// name or filename has `"`, CR and LF written as %22, %0D and %0A (and nothing else escaped), as browsers do.
const toCrlf = (text: string): string => text.replace(/\r\n|\r|\n/g, '\r\n');
const escapeParam = (text: string): string =>
	text.replace(/[\r\n"]/g, (c) => (c === '"' ? '%22' : c === '\r' ? '%0D' : '%0A'));

/** Each part's head and content, each prefixed by its length: no two different part lists give the same input. */
function digestInput(parts: readonly Part[]): Uint8Array<ArrayBuffer> {
	let size = 0;
	for (const part of parts) size += 16 + part.head.length + part.content.length;
	const data = new Uint8Array(size);
	const view = new DataView(data.buffer);
	let at = 0;
	for (const part of parts) {
		for (const bytes of [part.head, part.content]) {
			view.setFloat64(at, bytes.length);
			data.set(bytes, at + 8);
			at += 8 + bytes.length;
		}
	}
	return data;
}

function assemble(parts: readonly Part[], boundary: string): Uint8Array<ArrayBuffer> {
	const delimiter = encoder.encode(`--${boundary}\r\n`);
	const crlf = encoder.encode('\r\n');
	const close = encoder.encode(`--${boundary}--\r\n`);
	let size = close.length;
	for (const part of parts) size += delimiter.length + part.head.length + part.content.length + crlf.length;
	const bytes = new Uint8Array(size);
	let at = 0;
	const put = (chunk: Uint8Array) => {
		bytes.set(chunk, at);
		at += chunk.length;
	};
	for (const part of parts) {
		put(delimiter);
		put(part.head);
		put(part.content);
		put(crlf);
	}
	put(close);
	return bytes;
}

/** Whether `needle` (not empty) occurs in `haystack`: a native scan for its first byte, then a compare. */
export function containsBytes(haystack: Uint8Array, needle: Uint8Array): boolean {
	const first = needle[0] as number;
	for (
		let at = haystack.indexOf(first);
		at !== -1 && at + needle.length <= haystack.length;
		at = haystack.indexOf(first, at + 1)
	) {
		let i = 1;
		while (i < needle.length && haystack[at + i] === needle[i]) i++;
		if (i === needle.length) return true;
	}
	return false;
}
