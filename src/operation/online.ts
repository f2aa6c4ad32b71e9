import type { AttemptResult } from '../retry/run.js';
import type { ClientContext, Subject } from './context.js';
import type { Sent } from './send.js';

/*
A browser that knows it has no network (`navigator.onLine === false`) fails every fetch at once. Attempts made then
burn the retry budget in seconds, and since a browser's fetch error cannot tell "never left" from "lost on the way",
the call would end "outcome unknown" for requests that never left. So an attempt waits for the `online` event
instead, within the call's deadline and signal. A retry waits before its journal claim; a first attempt's claim is
written with the record, before this wait, and kept alive by its lease meanwhile, so a tab closed while waiting
leaves a claim that a later run reads as "may have been applied" (safe: same key). Only `false` is trusted (`true` is said behind a captive portal or a dead router too); where there
is no `navigator.onLine` (Node, Deno, Bun) nothing ever waits.
*/

type Scope = {
	navigator?: { onLine?: unknown };
	addEventListener?: (type: string, listener: () => void) => void;
	removeEventListener?: (type: string, listener: () => void) => void;
};

const scope = globalThis as Scope;

const offline = () => scope.navigator?.onLine === false;

/** The attempt that never was: the deadline passed offline. Nothing left, so the call ends "not sent". */
const OFFLINE: AttemptResult<Sent> = {
	decision: { type: 'retry', reason: 'not_sent', retryAfterMs: undefined, mayHaveApplied: false },
	value: { kind: 'error', error: 'not_sent', cause: new Error('offline') },
};

/**
Before an attempt: while the platform says it is offline, emits a `wait` event (reason `offline`) and waits for its
`online` event. Gives the ms left of `remainingMs` once online (at once, not a promise, when it was online all along:
the case of every attempt in Node), or {@link OFFLINE} when the deadline passed first; rejects with the signal's reason
when it aborts.
*/
export function whenOnline(
	ctx: ClientContext,
	subject: Subject,
	attempt: number,
	remainingMs: number,
	signal: AbortSignal | undefined,
	/** Told how long the wait lasted once it ends (not when the signal aborts it): the attempt's history and trace. */
	waited: (ms: number) => void,
): number | Promise<number | AttemptResult<Sent>> {
	// Without the event to wake it, a wait would last the whole deadline: better to try.
	if (!offline() || !scope.addEventListener) return remainingMs;
	return waitOnline(ctx, { ...subject, attempt }, remainingMs, signal, waited);
}

async function waitOnline(
	ctx: ClientContext,
	subject: Subject & { readonly attempt: number },
	remainingMs: number,
	signal: AbortSignal | undefined,
	waited: (ms: number) => void,
): Promise<number | AttemptResult<Sent>> {
	const started = ctx.now();
	let left = remainingMs;
	ctx.emit({ type: 'wait', reason: 'offline', ...subject });
	// An `online` event can be followed at once by `offline` again (a flapping link): wait again, to the same deadline.
	while (left > 0 && offline()) {
		await new Promise<void>((resolve) => {
			const end = () => {
				clearTimeout(timer);
				scope.removeEventListener?.('online', end);
				signal?.removeEventListener('abort', end);
				resolve();
			};
			// retry.maxRetryTime is at most a day: the time left always fits a timer.
			const timer = setTimeout(end, left);
			scope.addEventListener?.('online', end);
			signal?.addEventListener('abort', end);
			if (signal?.aborted) end();
		});
		signal?.throwIfAborted();
		left = remainingMs - (ctx.now() - started);
	}
	waited(ctx.now() - started);
	return left > 0 ? left : OFFLINE;
}
