/**
Waits for `work`, but no longer than `signal` allows: once it aborts, the caller gets its reason at once, and `work`
settles unobserved (its rejection handled, so it never becomes an unhandled rejection). For waits on code idemkey does
not control (a user's hook) that cannot be told to stop.
*/
export function abortable<T>(
	work: () => T | PromiseLike<T>,
	signal: AbortSignal | undefined,
): Promise<Awaited<T>> {
	// A synchronous throw of `work` rejects like a rejected promise would.
	const pending = new Promise<Awaited<T>>((resolve) => resolve(work() as Awaited<T>));
	if (!signal) return pending;
	pending.catch(() => {});
	if (signal.aborted) return Promise.reject(signal.reason);
	return new Promise<Awaited<T>>((resolve, reject) => {
		const onAbort = () => reject(signal.reason);
		signal.addEventListener('abort', onAbort, { once: true });
		pending.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
	});
}
