/**
Parses an answer body: JSON (including problem+json) when it is JSON, otherwise the text; `undefined` when empty. Never throws: a server that claims JSON and sends HTML still yields its text.
*/
export function parseBody(text: string, contentType: string | null): unknown {
	if (text.length === 0) return undefined;
	const looksJson = (contentType !== null && /[/+]json\b/i.test(contentType)) || /^\s*[[{"]/.test(text);
	if (!looksJson) return text;
	try {
		return JSON.parse(text);
	} catch {
		return text;
	}
}
