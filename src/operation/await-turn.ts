import { InProgressError } from '../errors/classes.js';
import { isLeaseLive } from '../journal/lease.js';
import type { JournalRecord } from '../journal/record.js';
import type { Subject } from './context.js';
import type { JournalPort } from './journal-io.js';

/** The first pause between two looks at a record another owner holds, and the longest once they have doubled. */
const FIRST_LOOK_MS = 10;
const LAST_LOOK_MS = 1_000;

export type TurnWait = {
	readonly port: JournalPort;
	readonly owner: string;
	readonly subject: Subject;
	readonly signal: AbortSignal | undefined;
	/** Epoch ms on `now`'s clock. */
	readonly deadline: number;
	readonly now: () => number;
	readonly random: () => number;
	/** Attempts this call had sent before it began to wait, for the error. */
	readonly attempts: number;
};

/**
Waits, sending nothing, while another owner's live lease holds the record: its attempt is on the wire. Resolves to the
record once it is not so held (finished, given back, or its lease lapsed), `undefined` when it disappeared. The wait
ends with the caller's signal (its reason) or deadline (`InProgressError`), whichever comes first.
*/
export async function awaitTurn(record: JournalRecord, wait: TurnWait): Promise<JournalRecord | undefined> {
	const { port, owner, signal } = wait;
	let current = record;
	const bell: Bell = { rung: false };
	const unsubscribe = port.subscribe(() => {
		bell.rung = true;
		bell.wake?.();
	});
	// A journal that tells of changes wakes the waiter itself: its looks are only a fallback.
	let pause = unsubscribe ? LAST_LOOK_MS : FIRST_LOOK_MS;
	try {
		for (;;) {
			const now = await port.now();
			const lease = current.lease;
			if (!lease || lease.owner === owner || !isLeaseLive(current, now)) return current;
			// Its tab closed or reloaded (a browser journal can tell): no need to wait for the lease to lapse.
			if (await port.ownerGone(lease.owner)) return current;
			const left = wait.deadline - wait.now();
			if (left <= 0) throw heldElsewhere(wait);
			// Jittered so that many waiters do not read in step; never past the lease's end, so that an owner that died
			// is taken over as soon as it may be.
			const jittered = pause / 2 + (wait.random() * pause) / 2;
			await nap(Math.max(1, Math.min(jittered, lease.until - now + 1, left)), signal, bell);
			pause = Math.min(pause * 2, LAST_LOOK_MS);
			if (wait.deadline - wait.now() <= 0) throw heldElsewhere(wait);
			const latest = await port.read(true, 'read the operation another client is sending');
			if (!latest) return undefined;
			current = latest;
		}
	} finally {
		unsubscribe?.();
	}
}

/** A journal's word that the record changed: `rung` when it came between two naps, `wake` ends the current one. */
type Bell = { rung: boolean; wake?: (() => void) | undefined };

/** Resolves after `ms` or as soon as the bell rings, whichever is first; rejects with the signal's reason on abort. */
const nap = (ms: number, signal: AbortSignal | undefined, bell: Bell): Promise<void> =>
	new Promise((resolve, reject) => {
		const end = () => {
			clearTimeout(timer);
			signal?.removeEventListener('abort', onAbort);
			bell.wake = undefined;
			bell.rung = false;
		};
		const onAbort = () => {
			end();
			reject(signal?.reason);
		};
		const timer = setTimeout(() => {
			end();
			resolve();
		}, ms);
		bell.wake = () => {
			end();
			resolve();
		};
		if (signal?.aborted) onAbort();
		else if (bell.rung) bell.wake();
		else signal?.addEventListener('abort', onAbort, { once: true });
	});

const heldElsewhere = ({ subject, attempts }: TurnWait) =>
	new InProgressError(
		`Operation "${subject.operation}" is being sent by another client sharing the journal; this call ${whatItDid(attempts)}. Run it again, or resume it, for that outcome.`,
		{ key: subject.key, operation: subject.operation, attempts },
	);

/** A call that retried into another client's claim had sent attempts of its own: "sent nothing" would be false. */
const whatItDid = (attempts: number) =>
	`${attempts ? `sent ${attempts} attempt${attempts > 1 ? 's' : ''} of it, found that client's claim, then ` : ''}waited for its outcome until its deadline (retry.maxRetryTime) and sent nothing${attempts ? ' more' : ''}`;
