import type { AttemptResult } from '../retry/run.js';
import { MAX_TIMEOUT_MS } from '../utils/input.js';
import type { ClientContext, Subject } from './context.js';
import type { Sent } from './send.js';

/*
A browser that knows it has no network (`navigator.onLine === false`) fails every fetch at once. Attempts made then
burn the retry budget in seconds, and since a browser's fetch error cannot tell "never left" from "lost on the way",
the call would end "outcome unknown" for requests that never left. So an attempt waits for the `online` event
instead, within the call's deadline and signal, before its journal claim: a tab closed while waiting leaves no
attempt behind. Only `false` is trusted (`true` is said behind a captive portal or a dead router too); where there
is no `navigator.onLine` (Node, Deno, Bun) nothing ever waits.
*/

type Scope = {
	navigator?: { onLine?: unknown };
	addEventListener?: (type: string, listener: () => void) => void;
	removeEventListener?: (type: string, listener: () => void) => void;
};

const scope = globalThis as Scope;

/** The attempt that never was: the deadline passed offline. Nothing left, so the call ends "not sent". */
const OFFLINE: AttemptResult<Sent> = {
	decision: { type: 'retry', reason: 'not_sent', retryAfterMs: undefined, mayHaveApplied: false },
	value: {
		kind: 'error',
		error: 'not_sent',
		cause: new Error('the browser stayed offline, navigator.onLine false, until the deadline'),
	},
};

const offline = () => scope.navigator?.onLine === false;

/** Resolves at the platform's next `online` event or after `ms`; rejects with the signal's reason when it aborts. */
const nextOnline = (ms: number, signal: AbortSignal | undefined) =>
	new Promise<void>((resolve, reject) => {
		const end = () => {
			clearTimeout(timer);
			scope.removeEventListener?.('online', end);
			signal?.removeEventListener('abort', end);
			if (signal?.aborted) reject(signal.reason);
			else resolve();
		};
		const timer = setTimeout(end, Math.min(ms, MAX_TIMEOUT_MS));
		scope.addEventListener?.('online', end);
		signal?.addEventListener('abort', end, { once: true });
		if (signal?.aborted) end();
	});

/**
Before an attempt: while the platform says it is offline, emits a `wait` event (reason `offline`) and waits for its
`online` event. Resolves to the ms left of `remainingMs` once online, or to {@link OFFLINE} when the deadline passed
first; rejects with the signal's reason when it aborts.
*/
export async function whenOnline(
	ctx: ClientContext,
	subject: Subject & { readonly attempt: number },
	remainingMs: number,
	signal: AbortSignal | undefined,
	/** Told how long the wait lasted once it ends (not when the signal aborts it): the attempt's history and trace. */
	waited: (ms: number) => void,
): Promise<number | AttemptResult<Sent>> {
	// Without the event to wake it, a wait would last the whole deadline: better to try.
	if (!offline() || !scope.addEventListener) return remainingMs;
	ctx.emit({ type: 'wait', reason: 'offline', ...subject });
	const started = ctx.now();
	const deadline = started + remainingMs;
	let left = remainingMs;
	// An `online` event can be followed at once by `offline` again (a flapping link): wait again, to the same deadline.
	while (left > 0 && offline()) {
		await nextOnline(left, signal);
		left = deadline - ctx.now();
	}
	waited(ctx.now() - started);
	return left > 0 ? left : OFFLINE;
}
