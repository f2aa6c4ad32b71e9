import type { OperationState } from '../record.js';

/**
A change to a browser journal's records. Listeners get the changes made by any journal on the same database, in this
tab (at once) or in another tab of the same origin (through a `BroadcastChannel`, where the platform has one).
*/
export type JournalChange =
	/** A record was created or updated; read it with `get(scope, operation)`. */
	| { type: 'written'; scope: string; operation: string; state: OperationState; revision: number }
	/** `collectGarbage` deleted `removed` finished records. */
	| { type: 'collected'; removed: number };

export type JournalChangeListener = (change: JournalChange) => void;

// Messages come from other tabs, possibly running another version of the library: pass on only what we understand.
const isChange = (data: unknown): data is JournalChange => {
	const { type, removed, scope, operation, revision } = Object(data) as Record<string, unknown>;
	if (type === 'collected') return typeof removed === 'number';
	return (
		type === 'written' &&
		typeof scope === 'string' &&
		typeof operation === 'string' &&
		typeof revision === 'number'
	);
};

/** Hands changes to this journal's listeners and, over a BroadcastChannel named `channelName`, to other tabs. */
export class ChangeFeed {
	readonly #listeners = new Set<JournalChangeListener>();
	#channel: BroadcastChannel | undefined;
	#closed = false;

	/** `channelName` undefined: changes stay within this journal. */
	constructor(readonly channelName: string | undefined) {}

	publish(change: JournalChange): void {
		this.#deliver(change);
		this.#open()?.postMessage(change);
	}

	subscribe(listener: JournalChangeListener): () => void {
		this.#listeners.add(listener);
		this.#open();
		return () => {
			this.#listeners.delete(listener);
		};
	}

	close(): void {
		this.#closed = true;
		this.#listeners.clear();
		this.#channel?.close();
		this.#channel = undefined;
	}

	#open(): BroadcastChannel | undefined {
		if (this.#channel || this.#closed || !this.channelName || typeof BroadcastChannel !== 'function') {
			return this.#channel;
		}
		const channel = new BroadcastChannel(this.channelName);
		// Node keeps a process alive while a channel is open; a journal left open must not.
		(channel as { unref?: () => void }).unref?.();
		channel.onmessage = (event: MessageEvent) => {
			if (isChange(event.data)) this.#deliver(event.data);
		};
		this.#channel = channel;
		return channel;
	}

	#deliver(change: JournalChange): void {
		for (const listener of [...this.#listeners]) {
			try {
				const returned: unknown = listener(change);
				// An async listener that rejects would be an unhandled rejection, which ends a Node process.
				if (returned instanceof Promise) returned.catch(report);
			} catch (error) {
				report(error);
			}
		}
	}
}

/** A listener's bug must not fail the journal write that triggered it: report it where the platform can. */
function report(error: unknown): void {
	(globalThis as { reportError?: (error: unknown) => void }).reportError?.(error);
}
