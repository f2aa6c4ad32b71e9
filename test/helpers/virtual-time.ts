import { setImmediate as realSetImmediate, setTimeout as realSetTimeout } from 'node:timers';
import { vi } from 'vitest';

/**
Virtual time for tests that talk to real sockets: `setTimeout`, `clearTimeout` and `Date` are faked, so attempt
timeouts, backoff waits and deadlines move only when the test advances them; sockets and `setImmediate` (the
MemoryJournal's batching) stay real. A verdict then depends on what happened, never on how fast the machine is.
Undo with `vi.useRealTimers()` (in afterEach).
*/
export function useVirtualTime(now?: number): void {
	vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], ...(now === undefined ? {} : { now }) });
}

/**
Waits in real time, with virtual time standing still, until `check` holds: for a request to reach a server or an
event to be emitted. `timeoutMs` only turns a hang into a failure with a message; it never decides a passing run.
*/
export async function waitFor(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
	const deadline = performance.now() + timeoutMs;
	while (!check()) {
		if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => realSetTimeout(resolve, 2));
	}
}

/** A promise watched from outside: whether it has settled, and its value or error once it has. */
export function watch<T>(promise: Promise<T>) {
	let settled = false;
	const outcome = promise.then(
		(value) => ({ value, error: undefined }),
		(error: unknown) => ({ value: undefined, error }),
	);
	void outcome.then(() => {
		settled = true;
	});
	return { settled: () => settled, outcome };
}

const turn = () => new Promise((resolve) => realSetImmediate(resolve));

/** `count` turns of the real event loop, whatever timers are faked: lets work that needs no timer run. */
export async function turns(count: number): Promise<void> {
	for (let i = 0; i < count; i++) await turn();
}

/**
Runs an in-process call (msw handlers, MemoryJournal) to its end in virtual time, one virtual ms at a time with a
fixed number of real event-loop turns between steps for the work that needs no timer. Which virtual ms each thing
happens at then depends on the timers alone, never on how fast the machine is. Needs {@link useVirtualTime}.
*/
export async function settleInVirtualTime<T>(promise: Promise<T>, maxMs = 600_000): Promise<T> {
	const call = watch(promise);
	for (let ms = 0; !call.settled(); ms++) {
		if (ms > maxMs) throw new Error(`still running after ${maxMs} virtual ms`);
		for (let i = 0; i < 20 && !call.settled(); i++) await turn();
		if (!call.settled()) await vi.advanceTimersByTimeAsync(1);
	}
	return promise;
}
