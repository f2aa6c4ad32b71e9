import type { StoredResponse } from '../dialect-state.js';
import type { ScriptedAnswer } from '../faults/types.js';

/** An answer as the server stores it: lower-case header names, a JSON body serialised once. */
export function stored(answer: ScriptedAnswer): StoredResponse {
	const headers = Object.entries(answer.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v] as const);
	const { body } = answer;
	if (body === undefined) return { status: answer.status, headers, body: '' };
	if (typeof body === 'string') return { status: answer.status, headers, body };
	if (!headers.some(([name]) => name === 'content-type')) headers.push(['content-type', 'application/json']);
	return { status: answer.status, headers, body: JSON.stringify(body) };
}

export function toResponse(response: StoredResponse): Response {
	const bodyless = response.body === '' || response.status === 204 || response.status === 304;
	return new Response(bodyless ? null : response.body, {
		status: response.status,
		headers: response.headers.map(([name, value]) => [name, value] as [string, string]),
	});
}

/**
"Drop the connection without an answer", in web-standard terms: a network-error response. msw turns it into a
network error; the node:http emulator destroys the socket.
*/
export const dropConnection = (): Response => Response.error();

export const isDropped = (response: Response): boolean => response.type === 'error';

export const isSuccess = (status: number): boolean => status >= 200 && status < 300;
