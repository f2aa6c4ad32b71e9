import { InvalidRequestError, NotSentError, OutcomeUnknownError } from '../errors/classes.js';
import type { Observation } from '../retry/classify.js';
import { abortable } from '../utils/abortable.js';
import { pairProblem } from '../utils/headers.js';
import { MAX_TIMEOUT_MS } from '../utils/input.js';
import { parseBody } from '../utils/parse-body.js';
import { withQuery } from '../utils/query.js';
import { readCapped } from '../utils/read-capped.js';
import { fetchFollowingReads } from '../utils/redirects.js';
import type { ClientContext } from './context.js';
import { RESUME, where } from './failures.js';
import { failedBeforeSending } from './not-sent.js';
import type { PreparedRequest } from './prepare.js';

/*
Why `fetch` itself, and a plain loop for retries (retry/run.ts), rather than ky and p-retry. idemkey owns every job
they would do here: retries (classify and planNext decide, with budgets, Retry-After and one deadline), a per-attempt
timeout that covers the body too, redirects followed by hand within the origin (utils/redirects), the same canonical
bytes on every attempt, and a capped read of the answer. ky ran with its retry, timeout and error throwing off, and
p-retry with its delays at 0 and sentinel errors carrying state through it: what they still did was join a URL and
pass a signal. Calling fetch reads as what happens, builds no composite AbortSignal per attempt, and leaves about
25 KB (minified) out of a browser bundle.
*/

/** What one attempt got: the observation `classify` reads, with the raw text for the journal or the transport's error. */
export type Sent =
	| (Extract<Observation, { kind: 'response' }> & {
			readonly text: string | undefined;
			readonly cause?: undefined;
	  })
	| (Extract<Observation, { kind: 'error' }> & { readonly text?: undefined; readonly cause: unknown });

/** One attempt of a call: whose it is, and how long it may take. */
export type AttemptSpec = {
	readonly key: string | undefined;
	readonly operation: string;
	/** 1 for the call's first attempt. */
	readonly attempt: number;
	/** The attempt's own timeout, in ms: from the request leaving to the last byte of the answer. */
	readonly timeoutMs: number;
	/** Time left before the call's deadline, in ms: bounds the `beforeAttempt` hook, then the attempt. */
	readonly remainingMs: number;
	readonly signal: AbortSignal | undefined;
	/** Whether an earlier attempt of the operation may have been applied: a refused attempt then leaves it unknown. */
	readonly mayHaveApplied: boolean;
};

/** A timer must be a positive integer no larger than setTimeout can hold. */
const clampTimeout = (ms: number) => Math.max(1, Math.min(Math.floor(ms), MAX_TIMEOUT_MS));

class AttemptTimeout extends Error {
	override name = 'AttemptTimeoutError';
}

/**
One attempt. Never throws for transport failures: they become an `error` observation, because whether to retry is
`classify`'s call. It throws only when nothing of the attempt left: the call's signal aborted while the
`beforeAttempt` hook ran (its reason), or the hook failed (NotSentError).
*/
export async function sendOnce(
	ctx: ClientContext,
	request: PreparedRequest,
	spec: AttemptSpec,
): Promise<Sent> {
	const { signal } = spec;
	// fetch copies the headers into its request, so these are built afresh for each attempt (the key, the hook's).
	const headers = new Headers(request.headers);
	if (spec.key !== undefined) headers.set(ctx.dialect.keyHeader, spec.key);
	// One controller per attempt, which the call's signal aborts through a listener: fetch given a composite
	// (AbortSignal.any) follows it through weak references, about a fifth of a request's CPU and much of its garbage.
	const controller = new AbortController();
	const onAbort = () => controller.abort(signal?.reason);
	if (signal?.aborted) onAbort();
	else signal?.addEventListener('abort', onAbort, { once: true });
	let timer: ReturnType<typeof setTimeout> | undefined;
	try {
		let timeoutMs = Math.min(spec.timeoutMs, spec.remainingMs);
		if (ctx.beforeAttempt !== undefined) {
			const started = ctx.now();
			await beforeAttempt(ctx, ctx.beforeAttempt, request, spec, headers, controller);
			timeoutMs = Math.min(spec.timeoutMs, spec.remainingMs - (ctx.now() - started));
		}
		const timeout = clampTimeout(timeoutMs);
		// One timer bounds the whole attempt, headers and body alike: a server can answer headers and then stall the body.
		timer = setTimeout(
			() => controller.abort(new AttemptTimeout(`No complete response within ${timeout} ms`)),
			timeout,
		);
		try {
			const response = await fetchFollowingReads(ctx.fetch, withQuery(request.url, ctx.searchParams), {
				method: request.method,
				headers,
				// Fetch copies a BufferSource body when it builds the request, so the same bytes can be handed to every
				// attempt without copying them here.
				body: request.body ?? null,
				signal: controller.signal,
				redirect: 'manual',
			});
			const text = await readCapped(response, ctx.maxResponseBytes);
			const body = text === undefined ? undefined : parseBody(text, response.headers.get('content-type'));
			// A page calling an API on another origin reads only the headers the API exposes: see retry/classify.
			const filtered = response.type === 'cors';
			return { kind: 'response', status: response.status, headers: response.headers, body, text, filtered };
		} catch (error) {
			const timedOut = controller.signal.aborted && !signal?.aborted;
			return {
				kind: 'error',
				error: timedOut ? 'timeout' : failedBeforeSending(error) ? 'not_sent' : 'network',
				// fetch's own error (a TypeError whose cause is the socket's): it holds no request, so no header.
				cause: timedOut ? controller.signal.reason : error,
			};
		}
	} finally {
		clearTimeout(timer);
		signal?.removeEventListener('abort', onAbort);
	}
}

/**
Runs the client's `beforeAttempt` hook on this attempt's headers, for no longer than the call's signal and deadline
allow. The key header is put back afterwards: it names the operation to the journal and the server.
*/
async function beforeAttempt(
	ctx: ClientContext,
	hook: NonNullable<ClientContext['beforeAttempt']>,
	request: PreparedRequest,
	spec: AttemptSpec,
	headers: Headers,
	controller: AbortController,
): Promise<void> {
	const deadline = setTimeout(
		() => controller.abort(new AttemptTimeout("beforeAttempt did not finish before the call's deadline")),
		clampTimeout(spec.remainingMs),
	);
	try {
		const attempt = Object.freeze({
			headers,
			method: request.method,
			url: request.url,
			operation: spec.operation,
			key: spec.key,
			attempt: spec.attempt,
			signal: controller.signal,
		});
		await abortable(() => hook(attempt), controller.signal);
	} catch (error) {
		spec.signal?.throwIfAborted();
		throw refused(request, spec, error);
	} finally {
		clearTimeout(deadline);
	}
	// The call's signal or its deadline may have ended the attempt as the hook returned: nothing is sent then either.
	spec.signal?.throwIfAborted();
	if (controller.signal.aborted) throw refused(request, spec, controller.signal.reason);
	const key = spec.key ?? request.headers.get(ctx.dialect.keyHeader);
	if (key === null) headers.delete(ctx.dialect.keyHeader);
	else headers.set(ctx.dialect.keyHeader, key);
	// Headers given as options are checked where they are merged; the hook's only here. One fetch cannot send (a framing
	// header, a control character) would fail as it left, a network error: retried, then "may have been applied".
	for (const [name, value] of headers) {
		const why = pairProblem(name, value);
		if (why !== undefined) {
			throw refused(
				request,
				spec,
				new InvalidRequestError(`beforeAttempt set headers fetch cannot send: ${why}.`, { field: 'headers' }),
			);
		}
	}
}

/** The call's error when its `beforeAttempt` hook failed: this attempt was never sent. */
function refused(request: PreparedRequest, spec: AttemptSpec, cause: unknown) {
	const details = { key: spec.key, operation: spec.operation, attempts: spec.attempt, cause };
	const what = `${where({ ...spec, method: request.method, url: request.url })} was not sent: the beforeAttempt hook failed (see cause).`;
	// "Not sent" would invite running it again under a new operation; an earlier attempt may have been applied.
	return spec.mayHaveApplied
		? new OutcomeUnknownError(`${what} An earlier attempt may have been applied. ${RESUME}`, {
				...details,
				reason: 'aborted',
			})
		: new NotSentError(`${what} Nothing was applied; run it again once the hook can succeed.`, details);
}
