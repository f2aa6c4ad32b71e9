import { InvalidRequestError, JournalError } from '../errors/classes.js';
import type { Journal, JournalCallOptions } from '../journal/journal.js';
import { released } from '../journal/lifecycle.js';
import { type JournalRecord, recordProblem } from '../journal/record.js';
import { resolvePolicy } from '../retry/resolve.js';
import type { ResumeOptions } from '../types/recovery.js';
import { describe } from '../utils/input.js';
import type { ClientContext } from './context.js';
import { journalTime, measured } from './journal-clock.js';

/** What bounds one journal call of a run. */
export type JournalWait = {
	/** The run's signal: once it aborts, the caller stops waiting with its reason. */
	readonly signal: AbortSignal | undefined;
	/** The call's deadline (retry.maxRetryTime after it began), in epoch ms on `now`'s clock. */
	readonly deadline: number;
	readonly now: () => number;
	/**
	The option that set `deadline`, named when it passes.
	@default 'retry.maxRetryTime'
	*/
	readonly deadlineOption?: string;
	/**
	The call prepares a send (the create, a claim, and their reads). Such a call is not made once the caller is gone, the journal is asked to stop waiting when the caller does, and a write that lands after the caller left is undone (see `undoClaim`): nothing was sent, and the record must not say an attempt was. Any other call records what a send did; it is always made and never cancelled, so the record catches up even when the caller stopped waiting for it.
	*/
	readonly beforeSend: boolean;
};

/**
Journal I/O on behalf of a caller: any failure surfaces as a `JournalError` that says what was (not) sent, and the caller never waits past its signal or deadline, whether or not the journal honours the signal it is given. `undoLate` gets the answer of a call the caller stopped waiting for, should it come.
*/
export async function journalIo<T>(
	what: string,
	subject: { key: string | undefined; operation: string | undefined },
	wait: JournalWait,
	io: (options: JournalCallOptions) => Promise<T>,
	undoLate: (value: T) => void = () => {},
): Promise<T> {
	const { signal, beforeSend, deadline, now } = wait;
	const sent = beforeSend
		? 'nothing was sent for this attempt'
		: 'the request had been sent and may have been applied';
	const late = () =>
		new JournalError(
			`The journal did not answer within the call's deadline (${wait.deadlineOption ?? 'retry.maxRetryTime'}) when asked to ${what}; ${sent}.`,
			subject,
		);
	const undo = (value: T) => {
		try {
			undoLate(value);
		} catch {}
	};
	const remaining = deadline - now();
	if (beforeSend) {
		signal?.throwIfAborted();
		if (remaining <= 0) throw late();
	}
	// Made only for a journal that looks at it: most never wait, and this runs a few times per request.
	let stop: AbortController | undefined;
	let gaveUp: { reason: unknown } | undefined;
	const options: JournalCallOptions = beforeSend
		? {
				get signal() {
					if (!stop) {
						stop = new AbortController();
						if (gaveUp) stop.abort(gaveUp.reason);
					}
					return stop.signal;
				},
			}
		: {};
	let answer: Promise<T>;
	try {
		answer = Promise.resolve(io(options));
	} catch (error) {
		answer = Promise.reject(error);
	}
	let settled: Settled<T> | undefined;
	const settle = (value: Settled<T>) => {
		settled = value;
	};
	answer.then(
		(value) => settle({ value }),
		(error: unknown) => settle({ error }),
	);
	// A journal that has already answered (MemoryJournal, any cache) needs no timer and no listener.
	await undefined;
	settled ??= await new Promise<Settled<T>>((resolve, reject) => {
		const stopWaiting = () => {
			clearTimeout(timer);
			signal?.removeEventListener('abort', onAbort);
		};
		const giveUp = (error: unknown) => {
			stopWaiting();
			gaveUp = { reason: error };
			stop?.abort(error);
			answer.then(undo, () => {});
			reject(error);
		};
		const onAbort = () => giveUp(signal?.reason);
		const timer = setTimeout(() => giveUp(late()), Math.max(remaining, 0));
		signal?.addEventListener('abort', onAbort, { once: true });
		if (signal?.aborted) onAbort();
		answer.then(
			(value) => {
				stopWaiting();
				resolve({ value });
			},
			(error: unknown) => {
				stopWaiting();
				resolve({ error });
			},
		);
	});
	if ('value' in settled) {
		// An answer that came only as the deadline passed leaves no time to send: as if it had not come.
		if (beforeSend && now() >= deadline) {
			undo(settled.value);
			throw late();
		}
		return settled.value;
	}
	const { error } = settled;
	if (error instanceof JournalError) throw error;
	throw new JournalError(
		`The journal failed to ${what}; ${sent}. ${(error as Error)?.message ?? ''}`.trim(),
		{
			...subject,
			cause: error,
		},
	);
}

type Settled<T> = { value: T } | { error: unknown };

/**
A claim that landed after its caller left: nothing was sent under it, so take it back (`released`: a higher revision,
so that anyone who read the claim sees the change). Compare-and-set: if another runner built on the claim meanwhile,
it stays, which is safe (an extra attempt counted as unknown). Nobody waits for this write.
*/
export function undoClaim(
	journal: Journal,
	claim: JournalRecord,
	state: 'pending' | 'unknown',
	now: number,
): void {
	Promise.resolve()
		.then(() => journal.compareAndSet(released(claim, state, now)))
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
		if (ours) undoClaim(journal, stored, 'pending', now());
	};

/** What bounds every journal call of one public call: the caller's signal and the call's deadline (epoch ms). */
export type Bound = { readonly signal: AbortSignal | undefined; readonly deadline: number };

/** A call that waits on the journal before sending: bounded by `retry.maxRetryTime` (the call's or the client's) from now. */
export const callerBound = (
	ctx: ClientContext,
	options: { signal?: AbortSignal | undefined; retry?: ResumeOptions['retry'] },
): Bound => ({
	signal: options.signal,
	deadline: ctx.now() + resolvePolicy(ctx.policy, options.retry).maxRetryTime,
});

/**
The journal as one operation sees it. Every call is bounded by the caller's signal and deadline and fails only with a
`JournalError` (see `journalIo`), and every record it hands back has been checked: a corrupt or foreign record must
surface as a `JournalError`, never be taken at face value (its missing fingerprint would read as "a different request").
*/
export type JournalPort = {
	/** What the port's errors name; the run sets the key once the record says it. */
	ids: { key: string | undefined; operation: string };
	/** `beforeSend`: the call prepares a send (see `JournalWait`). */
	wait(beforeSend: boolean): JournalWait;
	/** Create-if-absent: the stored record, `fresh` itself when the journal kept the very object it was given. */
	create(fresh: JournalRecord, undoLate: (stored: JournalRecord) => void): Promise<JournalRecord>;
	read(beforeSend: boolean, what?: string): Promise<JournalRecord | undefined>;
	/** Compare-and-set; `undo(wrote)` gets what a write the caller stopped waiting for did, should it land. */
	compareAndSet(
		next: JournalRecord,
		what: string,
		beforeSend: boolean,
		undo?: (wrote: boolean) => void,
	): Promise<boolean>;
	/**
	Calls `onChange` when the record may have changed (see `Journal.subscribe`); returns the stop, or `undefined` when
	the journal cannot tell.
	*/
	subscribe(onChange: () => void): (() => void) | undefined;
	/** Now, in epoch ms, on the clock leases are compared on: the journal's when it has one (`Journal.now`), else ours. */
	now(): Promise<number>;
	/**
	`now` when it is known without asking the journal (ours, or the journal's from a recent measurement), else
	`undefined`: a call that needs the time once per request then waits on nothing.
	*/
	clock(): number | undefined;
	/**
	The id this client's leases carry: the one the journal vouches for (`Journal.holdOwner`), else `base` itself, as
	it is (nothing to wait for).
	*/
	leaseOwner(base: string): string | Promise<string>;
	/** Whether the journal vouches that the lease's `owner` has ended (`Journal.ownerGone`); `false` when it cannot tell. */
	ownerGone(owner: string): Promise<boolean>;
};

// One vouched id per client and journal, asked for once: the journal holds it for the client's lifetime.
const vouched = new WeakMap<Journal, Map<string, Promise<string>>>();

/** A record (or listing) the journal handed back that no run may trust: nothing is sent on it. */
const unusable = (what: string, ids: { key?: string | undefined; operation?: string | undefined }) =>
	new JournalError(
		`The journal ${what}; nothing was sent. Check its storage, or run the journal conformance suite on it.`,
		ids,
	);

/** `value` as a record of `scope` (and `operation`, when given), or a `JournalError`. */
function checked(
	value: unknown,
	expected: { scope: string; operation?: string },
	ids: { key?: string | undefined; operation?: string | undefined },
): JournalRecord {
	const why = recordProblem(value, expected);
	if (why === undefined) return value as JournalRecord;
	throw unusable(
		`returned an unusable record for ${expected.operation ? `operation "${expected.operation}"` : `scope "${expected.scope}"`} (${why})`,
		ids,
	);
}

export function journalPort(
	ctx: Pick<ClientContext, 'journal' | 'scope' | 'now'>,
	operation: string,
	{ signal, deadline }: Bound,
): JournalPort {
	const { journal, scope, now } = ctx;
	const port: JournalPort = {
		ids: { key: undefined, operation },
		wait: (beforeSend) => ({ signal, deadline, now, beforeSend }),
		async create(fresh, undoLate) {
			const stored = await journalIo(
				'record the operation',
				port.ids,
				port.wait(true),
				(o) => journal.create(fresh, o),
				undoLate,
			);
			// A journal that keeps the object it was given (MemoryJournal) hands back our own record: nothing to check.
			return stored === fresh ? fresh : checked(stored, { scope, operation }, port.ids);
		},
		async read(beforeSend, what = 're-read the operation') {
			const value: unknown = await journalIo(what, port.ids, port.wait(beforeSend), (o) =>
				journal.get(scope, operation, o),
			);
			return value == null ? undefined : checked(value, { scope, operation }, port.ids);
		},
		compareAndSet: (next, what, beforeSend, undo) =>
			journalIo(what, port.ids, port.wait(beforeSend), (o) => journal.compareAndSet(next, o), undo),
		subscribe(onChange) {
			try {
				const stop = journal.subscribe?.((change) => {
					if (change.type !== 'written' || (change.scope === scope && change.operation === operation))
						onChange();
				});
				return typeof stop === 'function' ? stop : undefined;
			} catch {
				// Waiters look again on their own: a journal that cannot notify them costs only reads.
				return undefined;
			}
		},
		clock() {
			const local = now();
			return journal.now ? journalTime(journal, local) : local;
		},
		async now() {
			const known = port.clock();
			if (known !== undefined) return known;
			const local = now();
			const theirs: unknown = await journalIo('read its clock', port.ids, port.wait(true), (o) =>
				(journal.now as NonNullable<Journal['now']>)(o),
			);
			if (typeof theirs !== 'number' || !Number.isFinite(theirs)) {
				throw unusable(`answered now() with ${describe(theirs)}, not epoch milliseconds`, port.ids);
			}
			return measured(journal, theirs, local, now());
		},
		leaseOwner(base) {
			if (!journal.holdOwner) return base;
			const ids = vouched.get(journal) ?? new Map<string, Promise<string>>();
			vouched.set(journal, ids);
			let id = ids.get(base);
			if (!id) {
				// A journal that cannot vouch leaves the id as it is: its leases then only lapse, which is safe.
				id = Promise.resolve()
					.then(() => (journal.holdOwner as NonNullable<Journal['holdOwner']>)(base))
					.then((given) => (typeof given === 'string' && given !== '' ? given : base))
					.catch(() => base);
				ids.set(base, id);
			}
			return id;
		},
		async ownerGone(owner) {
			try {
				return (await journal.ownerGone?.(owner)) === true;
			} catch {
				return false;
			}
		},
	};
	return port;
}

/** The operation's record, read before anything else is done with it; an operation never journaled is the caller's mistake. */
export async function readExisting(port: JournalPort, scope: string): Promise<JournalRecord> {
	const { operation } = port.ids;
	const record = await port.read(true, `read operation "${operation}"`);
	if (record) return record;
	throw new InvalidRequestError(`No journaled operation "${operation}" in scope "${scope}".`, {
		field: 'operation',
		operation,
	});
}

/** The unfinished records of the client's scope, each checked like every record a run trusts. */
export async function listUnfinished(
	ctx: Pick<ClientContext, 'journal' | 'scope' | 'now'>,
	bound: Bound,
): Promise<readonly JournalRecord[]> {
	const { scope } = ctx;
	const records: unknown = await journalIo(
		`list the unfinished operations of scope "${scope}"`,
		{ key: undefined, operation: undefined },
		{ ...bound, now: ctx.now, beforeSend: true },
		(o) => ctx.journal.listUnfinished(scope, o),
	);
	if (!Array.isArray(records)) {
		throw unusable(
			`listed the unfinished operations of scope "${scope}" as ${describe(records)}, not an array`,
			{},
		);
	}
	return Object.freeze(records.map((value) => Object.freeze(checked(value, { scope }, {}))));
}
