// The events `onEvent` receives.
import type { IdempotencyError } from '../errors/base.js';

/**
One frozen object per event. What `onEvent` throws, and the rejection of a promise it returns (an `async` hook), is
ignored: logging can break neither a call nor the process.
*/
export type IdemEvent =
	| (EventBase & { readonly type: 'attempt' })
	| (EventBase & {
			readonly type: 'retry';
			/** `not_sent`: the attempt failed before a connection existed (refused, DNS, TLS), so nothing left. */
			readonly reason: 'network' | 'timeout' | 'server_error' | 'rate_limited' | 'not_sent' | 'in_progress';
			readonly delayMs: number;
			readonly status: number | undefined;
	  })
	| (EventBase & {
			readonly type: 'wait';
			/**
			`offline`: the browser says it has no network (`navigator.onLine` is false), so the next attempt waits for
			its `online` event, within the call's deadline and signal, rather than spend retries on requests that cannot
			leave. The wait ends with that attempt's `attempt` event, or with the call's end.
			*/
			readonly reason: 'offline';
	  })
	| (EventBase & { readonly type: 'replay'; readonly source: 'server' | 'journal' })
	| (EventBase & { readonly type: 'conflict'; readonly source: 'server' | 'journal' })
	| (EventBase & { readonly type: 'give-up'; readonly error: IdempotencyError });

export type EventBase = {
	readonly operation: string;
	readonly key: string | undefined;
	readonly method: string;
	readonly url: string;
	/** Attempts started so far in this call. */
	readonly attempt: number;
};
