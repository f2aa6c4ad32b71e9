import type { KyInstance } from 'ky';
import { isTimeoutError } from 'ky';
import type { Observation } from '../retry/classify.js';
import { parseBody } from '../utils/parse-body.js';
import type { PreparedRequest } from './prepare.js';

/** What one attempt got: the observation for `classify`, plus the raw text for the journal. */
export type Sent = { observation: Observation; text: string | undefined; cause: unknown };

/** ky's timeout must be a positive integer no larger than a timer can hold. */
const clampTimeout = (ms: number) => Math.max(1, Math.min(Math.floor(ms), 2_147_483_647));

/**
One attempt through ky (its own retry off). Never throws for transport failures: they become an `error` observation, because whether to retry is `classify`'s call, not ky's.
*/
export async function sendOnce(
	http: KyInstance,
	request: PreparedRequest,
	key: string | undefined,
	keyHeader: string,
	timeoutMs: number,
	signal: AbortSignal | undefined,
): Promise<Sent> {
	const headers = new Headers(request.headers);
	if (key !== undefined) headers.set(keyHeader, key);
	const timeout = clampTimeout(timeoutMs);
	try {
		const response = await http(request.url, {
			method: request.method,
			headers,
			// Fetch copies a BufferSource body when it builds the request, so the same bytes can be handed to every
			// attempt without copying them here.
			body: request.body ?? null,
			timeout,
			...(signal ? { signal } : {}),
		});
		const text = await readText(response, timeout, signal);
		const body = parseBody(text, response.headers.get('content-type'));
		return {
			observation: { kind: 'response', status: response.status, headers: response.headers, body },
			text,
			cause: undefined,
		};
	} catch (error) {
		return {
			observation: {
				kind: 'error',
				error: isTimeoutError(error) || isBodyTimeout(error) ? 'timeout' : 'network',
			},
			text: undefined,
			cause: error,
		};
	}
}

class BodyTimeout extends Error {
	override name = 'BodyTimeoutError';
}
const isBodyTimeout = (error: unknown) => error instanceof BodyTimeout;

// A server can send headers and then stall the body; the attempt's timeout covers the body too.
async function readText(
	response: Response,
	timeoutMs: number,
	signal: AbortSignal | undefined,
): Promise<string> {
	let timer: ReturnType<typeof setTimeout> | undefined;
	const timedOut = new Promise<never>((_, reject) => {
		timer = setTimeout(() => {
			reject(new BodyTimeout(`Response body not received within ${timeoutMs} ms`));
			response.body?.cancel().catch(() => {});
		}, timeoutMs);
	});
	try {
		signal?.throwIfAborted();
		return await Promise.race([response.text(), timedOut]);
	} finally {
		clearTimeout(timer);
	}
}
