import type { Journal, MemoryJournal } from '../../src/index.js';

/**
`inner`'s calls passed through, any of them replaced by `overrides`: the wrapper a test watches or steers a journal
with. It offers no `subscribe` unless given one, so that waiters on it look again on their own (see awaitTurn).
*/
export function passThrough(inner: MemoryJournal, overrides: Partial<Journal> = {}): Journal {
	return {
		create: (record) => inner.create(record),
		get: (scope, operation) => inner.get(scope, operation),
		compareAndSet: (next) => inner.compareAndSet(next),
		listUnfinished: (scope) => inner.listUnfinished(scope),
		collectGarbage: (now) => inner.collectGarbage(now),
		...overrides,
	};
}

export type CountingJournal = Journal & {
	/** Records read (`get`) so far. */
	readonly reads: number;
};

/**
`inner` with its reads counted: how often a waiter looked at a record. `onRead(n)` runs as the n-th read arrives,
before it is answered (to act at a chosen point of a wait); `overrides` as for {@link passThrough}.
*/
export function countingReads(
	inner: MemoryJournal,
	{ onRead, ...overrides }: Partial<Journal> & { onRead?: (reads: number) => void } = {},
): CountingJournal {
	let reads = 0;
	const journal = passThrough(inner, {
		get: (scope, operation) => {
			reads++;
			onRead?.(reads);
			return inner.get(scope, operation);
		},
		...overrides,
	});
	return Object.defineProperty(journal, 'reads', { get: () => reads }) as CountingJournal;
}
