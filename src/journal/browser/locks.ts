/**
The part of the Web Locks API (`navigator.locks`) the browser journals use: an exclusive lock held while `callback`
runs, whose wait ends when `options.signal` aborts (rejecting with its reason). `navigator.locks` fits as is.
*/
export type LockManagerLike = {
	request<T>(name: string, options: { signal?: AbortSignal }, callback: () => Promise<T>): Promise<T>;
	/** The locks held now, by every tab and worker of the origin. */
	query?(): Promise<{ held?: { name?: string }[] }>;
};

/**
Holds the lock `name` until `release` is called or the page ends (the browser frees a closed or reloaded tab's locks
at once): how one tab tells whether another still lives. Resolves once it is held.
*/
export const holdLock = (locks: LockManagerLike, name: string): Promise<() => void> =>
	new Promise((held, failed) => {
		locks.request(name, {}, () => new Promise<void>((release) => held(release))).catch(failed);
	});

/** Whether some tab or worker of the origin holds the lock `name` now. */
export const isHeld = async (locks: LockManagerLike, name: string): Promise<boolean> =>
	((await locks.query?.())?.held ?? []).some((lock) => lock.name === name);

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
