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
	// The digest input prefixes each head and content with its length: no two different part lists give the same input.
	const digestInput = parts
		.flatMap((part) => [part.head, part.content])
		.flatMap((bytes) => [lengthOf(bytes), bytes]);
	const boundary = chooseBoundary(await sha256Hex(await concat(digestInput)), (candidate) => {
		const needle = encoder.encode(candidate);
		return parts.some((part) => containsBytes(part.head, needle) || containsBytes(part.content, needle));
	});
	const body = parts.flatMap((part) => [`--${boundary}\r\n`, part.head, part.content, '\r\n']);
	return {
		bytes: await concat([...body, `--${boundary}--\r\n`]),
		contentType: `multipart/form-data; boundary=${boundary}`,
	};
}

/** A length as 8 bytes (a big-endian float64, as digests have always been taken). */
function lengthOf(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
	const length = new Uint8Array(8);
	new DataView(length.buffer).setFloat64(0, bytes.length);
	return length;
}

const concat = async (chunks: (string | Uint8Array<ArrayBuffer>)[]) =>
	new Uint8Array(await new Blob(chunks).arrayBuffer());

type Part = { head: Uint8Array<ArrayBuffer>; content: Uint8Array<ArrayBuffer> };

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
