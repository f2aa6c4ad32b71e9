/**
The part of the Web Locks API (`navigator.locks`) the browser journals use: an exclusive lock held while `callback`
runs. `navigator.locks` fits as is.
*/
export type LockManagerLike = {
	request<T>(name: string, callback: () => Promise<T>): Promise<T>;
};

/** `navigator.locks` where the platform has it (browsers in secure contexts, Deno, Node 22.?+). */
export const platformLocks = (): LockManagerLike | undefined =>
	(globalThis.navigator as { locks?: LockManagerLike } | undefined)?.locks;

/**
Runs `fn` holding the lock `name` when there is a lock manager, directly otherwise. `fn` must do its reads and
writes without giving other tabs a gap it does not control (one IndexedDB transaction, or synchronous Storage calls).
*/
export const underLock = <T>(
	locks: LockManagerLike | null | undefined,
	name: string,
	fn: () => Promise<T> | T,
): Promise<T> => (locks ? locks.request(name, async () => fn()) : Promise.resolve().then(fn));
