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
"Drop the connection without an answer". As a web `Response` it is a network-error response (msw turns it into a
network error); the node:http emulator destroys the socket.
*/
export const DROPPED = Symbol('dropped');

/** What the server core answers: a response, or dropping the connection. */
export type Outgoing = StoredResponse | typeof DROPPED;

export const isSuccess = (status: number): boolean => status >= 200 && status < 300;
