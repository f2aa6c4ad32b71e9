import type { KyInstance } from 'ky';
import { isKyError, isTimeoutError } from 'ky';
import type { Observation } from '../retry/classify.js';
import { MAX_TIMEOUT_MS } from '../utils/input.js';
import { parseBody } from '../utils/parse-body.js';
import { readCapped } from '../utils/read-capped.js';
import { withAttemptSignal } from './attempt-signal.js';
import { failedBeforeSending } from './not-sent.js';
import type { PreparedRequest } from './prepare.js';

/** What one attempt got: the observation for `classify`, plus the raw text for the journal. */
export type Sent = { observation: Observation; text: string | undefined; cause: unknown };

/** A timer must be a positive integer no larger than setTimeout can hold. */
const clampTimeout = (ms: number) => Math.max(1, Math.min(Math.floor(ms), MAX_TIMEOUT_MS));

class AttemptTimeout extends Error {
	override name = 'AttemptTimeoutError';
}

/**
What a failed attempt keeps as its error's `cause`. ky wraps a transport failure in an error that holds the whole
`Request` (its headers: Authorization, API keys) and names the URL as sent (with the client's credential
`searchParams`), and every logger prints a cause chain: keep the runtime's own error underneath instead.
*/
function transportCause(error: unknown): unknown {
	if (!isKyError(error)) return error;
	return error.cause ?? new Error(`${error.name}: the request failed`);
}

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
	maxResponseBytes: number,
): Promise<Sent> {
	const headers = new Headers(request.headers);
	if (key !== undefined) headers.set(keyHeader, key);
	const timeout = clampTimeout(timeoutMs);
	// One timer bounds the whole attempt, headers and body alike: a server can answer headers and then stall the
	// body. It replaces ky's own timeout (off below), so an attempt arms one timer, not two.
	const controller = new AbortController();
	const timer = setTimeout(
		() => controller.abort(new AttemptTimeout(`No complete response within ${timeout} ms`)),
		timeout,
	);
	try {
		const response = await http(request.url, {
			method: request.method,
			headers,
			// Fetch copies a BufferSource body when it builds the request, so the same bytes can be handed to every
			// attempt without copying them here.
			body: request.body ?? null,
			timeout: false,
			...withAttemptSignal(signal ? AbortSignal.any([signal, controller.signal]) : controller.signal),
		});
		const text = await readCapped(response, maxResponseBytes);
		const body = text === undefined ? undefined : parseBody(text, response.headers.get('content-type'));
		return {
			observation: { kind: 'response', status: response.status, headers: response.headers, body },
			text,
			cause: undefined,
		};
	} catch (error) {
		const timedOut = controller.signal.aborted && !signal?.aborted;
		return {
			observation: {
				kind: 'error',
				error:
					timedOut || isTimeoutError(error) ? 'timeout' : failedBeforeSending(error) ? 'not_sent' : 'network',
			},
			text: undefined,
			cause: timedOut ? controller.signal.reason : transportCause(error),
		};
	} finally {
		clearTimeout(timer);
	}
}
