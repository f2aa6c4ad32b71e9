/**
A response body as text, or `undefined` when it is larger than `maxBytes`: then the rest is never read (the stream is
cancelled, which closes the connection). `response.text()` buffers whatever the server sends, so a misrouted download,
a broken proxy or a hostile server could hold the process's memory (a 300 MB answer cost 1.4 GB of RSS) or, past V8's
longest string, turn an answer that was read into a "network error" retried under the same key. Only the body is
dropped: the status and headers still decide the outcome.
*/
export async function readCapped(response: Response, maxBytes: number): Promise<string | undefined> {
	const length = response.headers.get('content-length');
	const declared = length === null ? Number.NaN : Number(length);
	const body = response.body;
	if (declared > maxBytes) {
		await body?.cancel().catch(() => {});
		return undefined;
	}
	if (!body) return '';
	// A declared length within the cap is enforced by fetch itself (more bytes fail the read), so the runtime's own,
	// much faster text() is safe; not under a content coding, whose decoded size the length does not bound.
	const coding = response.headers.get('content-encoding');
	if (declared <= maxBytes && (coding === null || coding === 'identity')) return response.text();
	const reader = body.getReader();
	// Decoded as text() would: UTF-8, a leading BOM dropped, bad bytes replaced, a character split between chunks
	// joined. Decoded as the chunks come rather than joined in a Blob at the end, which is read back through a stream
	// of its own: that cost about a tenth of a request's CPU where a server sends its JSON chunked (no content-length).
	const decoder = new TextDecoder();
	let text = '';
	let size = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		size += value.byteLength;
		if (size > maxBytes) {
			await reader.cancel().catch(() => {});
			return undefined;
		}
		text += decoder.decode(value, { stream: true });
	}
	return text + decoder.decode();
}

const encoder = new TextEncoder();

/**
Whether `text` takes at most `maxBytes` as UTF-8 (the cap on a body a record keeps): its length in UTF-16 units is a
cheap bound first (at most 3 bytes a unit), its exact size measured only when close.
*/
export const fitsInBytes = (text: string, maxBytes: number): boolean =>
	text.length * 3 <= maxBytes || encoder.encode(text).length <= maxBytes;
