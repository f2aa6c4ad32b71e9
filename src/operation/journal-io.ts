import { JournalError } from '../errors/classes.js';
import type { Journal, JournalCallOptions } from '../journal/journal.js';
import type { JournalRecord } from '../journal/record.js';
import type { Subject } from './failures.js';

/** What bounds one journal call of a run. */
export type JournalWait = {
	/** The run's signal: once it aborts, the caller stops waiting with its reason. */
	readonly signal: AbortSignal | undefined;
	/** The call's deadline (retry.maxRetryTime after it began), in epoch ms on `now`'s clock. */
	readonly deadline: number;
	readonly now: () => number;
	/**
	The call prepares a send (the create, a claim, and their reads). Such a call is not made once the caller is gone, the journal is asked to stop waiting when the caller does, and a write that lands after the caller left is undone (see `undoClaim`): nothing was sent, and the record must not say an attempt was. Any other call records what a send did; it is always made and never cancelled, so the record catches up even when the caller stopped waiting for it.
	*/
	readonly beforeSend: boolean;
};

/**
Journal I/O on behalf of a caller: any failure surfaces as a `JournalError` that says what was (not) sent, and the caller never waits past its signal or deadline, whether or not the journal honours the signal it is given. `undoLate` gets the answer of a call the caller stopped waiting for, should it come.
*/
export function journalIo<T>(
	what: string,
	subject: Pick<Subject, 'key' | 'operation'>,
	wait: JournalWait,
	io: (options: JournalCallOptions) => Promise<T>,
	undoLate?: (value: T) => void,
): Promise<T> {
	const { signal, beforeSend } = wait;
	const sent = beforeSend
		? 'nothing was sent for this attempt'
		: 'the request had been sent and may have been applied';
	const remaining = wait.deadline - wait.now();
	if (beforeSend) {
		if (signal?.aborted) return Promise.reject(signal.reason);
		if (remaining <= 0) return Promise.reject(pastDeadline(what, sent, subject));
	}
	const stop = new AbortController();
	let answer: Promise<T>;
	try {
		answer = io(beforeSend ? { signal: stop.signal } : {});
	} catch (error) {
		answer = Promise.reject(error);
	}
	return new Promise<T>((resolve, reject) => {
		let waiting = true;
		const stopWaiting = () => {
			waiting = false;
			clearTimeout(timer);
			signal?.removeEventListener('abort', onAbort);
		};
		const giveUp = (error: unknown) => {
			if (!waiting) return;
			stopWaiting();
			stop.abort(error);
			Promise.resolve(answer).then(
				(value) => {
					try {
						undoLate?.(value);
					} catch {}
				},
				() => {},
			);
			reject(error);
		};
		const onAbort = () => giveUp(signal?.reason);
		// A journal that answers at once is still heard at the deadline: the timer fires after its answer.
		const timer = setTimeout(() => giveUp(pastDeadline(what, sent, subject)), Math.max(remaining, 0));
		signal?.addEventListener('abort', onAbort, { once: true });
		if (signal?.aborted) onAbort();
		Promise.resolve(answer).then(
			(value) => {
				if (!waiting) return;
				stopWaiting();
				resolve(value);
			},
			(error: unknown) => {
				if (!waiting) return;
				stopWaiting();
				reject(
					error instanceof JournalError
						? error
						: new JournalError(
								`The journal failed to ${what}; ${sent}. ${(error as Error)?.message ?? ''}`.trim(),
								{ ...subject, cause: error },
							),
				);
			},
		);
	});
}

const pastDeadline = (what: string, sent: string, subject: Pick<Subject, 'key' | 'operation'>) =>
	new JournalError(
		`The journal did not answer within the call's deadline (retry.maxRetryTime) when asked to ${what}; ${sent}.`,
		subject,
	);

/**
A claim that landed after its caller left: nothing was sent under it, so put back the record it replaced (a higher revision, so that anyone who read the claim sees the change). Compare-and-set: if another runner built on the claim meanwhile, it stays, which is safe (an extra attempt counted as unknown). Nobody waits for this write.
*/
export function undoClaim(
	journal: Journal,
	claimed: JournalRecord,
	before: JournalRecord,
	now: number,
): void {
	const restored: JournalRecord = { ...before, revision: claimed.revision + 1, updatedAt: now };
	Promise.resolve()
		.then(() => journal.compareAndSet(restored))
		.catch(() => {});
}

/**
The undo for a create that landed after its caller left. `fresh` is created already claimed for its first attempt; the stored record is ours when the journal hands back `fresh` itself, or a copy carrying the key this call minted (an explicit key or no key at all tells nobody's copy apart: left as it is, which is safe).
*/
export const undoLateCreate =
	(journal: Journal, fresh: JournalRecord, keyMinted: boolean, now: () => number) =>
	(stored: JournalRecord): void => {
		const ours =
			stored === fresh ||
			(keyMinted &&
				fresh.key !== null &&
				stored?.key === fresh.key &&
				stored.revision === 1 &&
				stored.state === 'inflight');
		if (ours) undoClaim(journal, stored, { ...fresh, state: 'pending', attemptsStarted: 0 }, now());
	};
