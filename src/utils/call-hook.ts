/**
Calls a user's notification hook (onEvent, onWarning) so that nothing it does reaches the caller or the host: a throw
is swallowed, and so is the rejection of a promise (or thenable) it returns. An `async` hook that rejects would
otherwise be an unhandled rejection, which ends a Node process under its default settings. A logging hook must
never change the outcome of a payment, nor bring the process down.
*/
export function callHook<A extends unknown[]>(hook: ((...args: A) => unknown) | undefined, ...args: A): void {
	if (!hook) return;
	try {
		const returned = hook(...args);
		if (returned !== null && (typeof returned === 'object' || typeof returned === 'function')) {
			const then = (returned as { then?: unknown }).then;
			if (typeof then === 'function') then.call(returned, undefined, ignore);
		}
	} catch {
		// Ignored: see above.
	}
}

function ignore(): void {}
