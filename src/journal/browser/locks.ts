/**
The part of the Web Locks API (`navigator.locks`) the browser journals use: an exclusive lock held while `callback`
runs, whose wait ends when `options.signal` aborts (rejecting with its reason). `navigator.locks` fits as is.
*/
export type LockManagerLike = {
	request<T>(name: string, options: { signal?: AbortSignal }, callback: () => Promise<T>): Promise<T>;
};

/** `navigator.locks` where the platform has it (browsers in secure contexts, Deno, Node 22.?+). */
export const platformLocks = (): LockManagerLike | undefined =>
	(globalThis.navigator as { locks?: LockManagerLike } | undefined)?.locks;

/**
Runs `fn` holding the lock `name` when there is a lock manager, directly otherwise. `fn` must do its reads and
writes without giving other tabs a gap it does not control (one IndexedDB transaction, or synchronous Storage calls).
While another tab holds the lock, an abort of `signal` ends the wait with the signal's reason and `fn` never runs.
*/
export const underLock = <T>(
	locks: LockManagerLike | null | undefined,
	name: string,
	fn: () => Promise<T> | T,
	signal?: AbortSignal,
): Promise<T> => {
	if (signal?.aborted) return Promise.reject(signal.reason);
	return locks ? locks.request(name, signal ? { signal } : {}, async () => fn()) : Promise.resolve().then(fn);
};
