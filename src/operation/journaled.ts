import { JournalError } from '../errors/classes.js';
import { leasedClaim, newLeasedRecord, renewed, setAside, supersedes, turnOf } from '../journal/lease.js';
import { isFreshRecord, keyExpired, released, settled, wasInterrupted } from '../journal/lifecycle.js';
import { isFinished, type JournalRecord, type Lease } from '../journal/record.js';
import { mintKey } from '../keys/mint.js';
import type { RetryPolicy } from '../retry/policy.js';
import type { IdemResult } from '../types/result.js';
import { attemptLoop, type Progress, recording, waited } from './attempts.js';
import { awaitTurn } from './await-turn.js';
import { sameBytesAsBefore } from './body.js';
import { MAX_CAS_ROUNDS, writeOnLatest } from './cas.js';
import { conclude, concludeEarly, concludeRecord, ended } from './conclude.js';
import type { ClientContext, Subject } from './context.js';
import { journalFailedAfterSend, keyExpiredError } from './failures.js';
import { journalPort, undoClaim, undoLateCreate } from './journal-io.js';
import { type PreparedRequest, snapshot } from './prepare.js';
import { renewEvery } from './renewal.js';
import { setAsideError } from './set-aside.js';

export type RunOptions = {
	operation: string;
	policy: RetryPolicy;
	timeout: number;
	signal: AbortSignal | undefined;
	progress: Progress;
};

/** One journaled write: the record lifecycle of DESIGN §5 around the attempt loop; every decision is `conclude`'s. */
export async function runJournaled(
	ctx: ClientContext,
	request: PreparedRequest,
	options: RunOptions,
): Promise<IdemResult> {
	const { operation, progress } = options;
	const { journal, leaseMs } = ctx;
	// One deadline for the whole call: journal waits and the attempt loop share it.
	const deadline = ctx.now() + options.policy.maxRetryTime;
	const port = journalPort(ctx, operation, { signal: options.signal, deadline });
	const vouched = port.leaseOwner(ctx.owner);
	const owner = typeof vouched === 'string' ? vouched : await vouched;
	port.ids.key = request.explicitKey;
	// create() is create-if-absent and hands back whichever record is stored, so this one call both starts a new
	// operation and finds an earlier run's record (this process's, another's, or a crashed one's): no read first.
	const fresh = newLeasedRecord(
		{
			scope: ctx.scope,
			operation,
			key: request.keyed ? (request.explicitKey ?? mintKey()) : null,
			fingerprint: request.fingerprint,
			method: request.method,
			path: request.path,
			now: ctx.now(),
			retentionMs: ctx.dialect.retentionMs,
			keepMs: ctx.keepFinishedMs,
			request: snapshot(request, ctx.storeBodies, ctx.journalHeaders),
		},
		{ owner, until: (port.clock() ?? (await port.now())) + leaseMs },
	);
	if (progress.trace) fresh.trace = progress.trace.parent;
	const keyMinted = request.keyed && request.explicitKey === undefined;
	const record = await port.create(fresh, undoLateCreate(journal, fresh, keyMinted, ctx.now));
	// Ours when the stored record is the one just written: its first attempt is already claimed. Anything else is an
	// earlier run's record (or another caller's, created the same millisecond), which every attempt claims anew.
	// Journals hand back the very record they stored; a copy is recognised by its minted key, and a key-less copy
	// not at all: two callers of one key-less operation must not both take it for their own first attempt.
	let claimedFirst = isFreshRecord(record, fresh);
	if (!claimedFirst) progress.trace?.linkTo(record.trace);
	// Attempts of this operation that others started before this call: what `earlierAttemptUnknown` accounts for.
	const attemptsBefore = claimedFirst ? 0 : record.attemptsStarted;
	const subject: Subject = {
		key: record.key ?? undefined,
		operation,
		method: request.method,
		url: request.url,
	};
	port.ids = subject;
	const early = concludeEarly(record, request, subject, ctx.now());
	if (early) return ended(ctx, early);

	let current: JournalRecord = record;
	// The lease of this call's latest claim: a record whose fence is past it was taken over by another owner.
	let held: Lease | undefined = claimedFirst ? record.lease : undefined;
	// Every write of this call, the lease's renewals included, one at a time: each builds on the one before.
	let queue: Promise<unknown> = Promise.resolve();
	const serial = <T>(io: () => Promise<T>): Promise<T> => {
		const run = queue.then(io, io);
		queue = run.catch(() => {});
		return run;
	};
	// A claim is written before its send; `undo` takes it back if it lands after the caller left (see undoClaim).
	const casOnce = (next: JournalRecord, what: string, from: JournalRecord) => {
		const claim = next.state === 'inflight' && next.attemptsStarted > from.attemptsStarted;
		// A leftover `inflight` (a crashed owner) is an attempt of unknown outcome, as `wasInterrupted` reads it.
		const undo = (wrote: boolean) => {
			if (wrote && claim)
				undoClaim(journal, next, from.state === 'pending' ? 'pending' : 'unknown', ctx.now());
		};
		return port.compareAndSet(next, what, claim, undo);
	};
	/** Writes `transition` on the latest record; `false` when a newer owner's record is adopted instead (`yieldTo`). */
	const write = (
		transition: (from: JournalRecord) => JournalRecord,
		what: string,
		yieldTo?: (latest: JournalRecord) => boolean,
	) =>
		serial(async () => {
			if (yieldTo?.(current)) return false;
			const end = await writeOnLatest(current, recording(progress, transition), {
				write: (next, from) => casOnce(next, what, from),
				reread: async (lost) => {
					const latest = await port.read(lost.state === 'inflight');
					// Ends the rounds: the write is made neither on this record nor on any later one.
					if (latest && !isFinished(latest.state) && yieldTo?.(latest)) throw new Adopted(latest);
					return latest;
				},
			}).catch((error: unknown) => {
				if (!(error instanceof Adopted)) throw error;
				current = error.record;
				return undefined;
			});
			if (!end) return false;
			if (end.type === 'written') {
				current = end.record;
				return true;
			}
			if (end.type === 'finished') throw new FinishedElsewhere(end.record);
			throw lostRecord(subject, end.type === 'gone');
		});
	const takenOver = (latest: JournalRecord) => supersedes(latest, held);

	/**
	Claims the next attempt under this client's lease, or waits (sending nothing) while another owner's live lease holds
	the operation. An operation interrupted once too often is set aside instead.
	*/
	const claim = () =>
		serial(async () => {
			for (let lost = 0; ; ) {
				const now = await port.now();
				const other = current.state === 'inflight' ? current.lease?.owner : undefined;
				const gone = other !== undefined && other !== owner && (await port.ownerGone(other));
				const turn = turnOf(current, owner, now, ctx.maxInterruptedAttempts, gone);
				if (turn === 'finished') throw new FinishedElsewhere(current);
				if (turn === 'aside') throw setAsideError(current, subject);
				if (turn === 'wait') {
					const began = ctx.now();
					const latest = await awaitTurn(current, {
						port,
						owner,
						subject,
						signal: options.signal,
						deadline,
						now: ctx.now,
						random: ctx.random,
						attempts: progress.attempts,
					});
					waited(progress, 'lease', ctx.now() - began);
					if (!latest) throw lostRecord(subject, true);
					current = latest;
					continue;
				}
				if (turn !== 'set-aside' && keyExpired(current, ctx.now()) && wasInterrupted(current))
					throw keyExpiredError(current, subject);
				// What others left may have been applied: an attempt of theirs of unknown outcome, or cut off mid-request.
				progress.mayHaveApplied ||= wasInterrupted(current) && current.attemptsStarted > 0;
				const next = recording(progress, (from) =>
					turn === 'set-aside'
						? setAside(from, ctx.now())
						: leasedClaim(from, ctx.now(), { owner, until: now + leaseMs }),
				)(current);
				const what =
					turn === 'set-aside'
						? 'set aside an operation interrupted too often'
						: 'record the attempt before sending';
				if (await casOnce(next, what, current)) {
					current = next;
					if (turn === 'set-aside') throw setAsideError(next, subject);
					held = next.lease;
					return;
				}
				const latest = await port.read(true);
				if (!latest) throw lostRecord(subject, true);
				current = latest;
				if (++lost >= MAX_CAS_ROUNDS) throw lostRecord(subject, false);
			}
		});

	/** The record still carries the held lease: no other owner took the operation over, and the attempt is on. */
	const stillHeld = () =>
		held !== undefined && current.state === 'inflight' && current.lease?.fence === held.fence;
	/**
	Pushes the held lease on while its attempt is on the wire; `false` (renew no more) once a newer owner's fence is
	found: its record is left to it, and the attempt's own writes adopt it (`takenOver`).
	*/
	const renew = () =>
		serial(async () => {
			if (!stillHeld()) return false;
			const next = renewed(current, ctx.now(), (await port.now()) + leaseMs);
			if (await port.compareAndSet(next, 'renew the lease', false)) current = next;
			else current = (await port.read(false)) ?? current;
			return stillHeld();
		});
	/** Renews the held lease after it lapsed; `false` when the record moved meanwhile (taken over, or finished). */
	const renewLapsed = () =>
		serial(async () => {
			// Already read as another owner's (a renewal found the takeover): renewing it would hand this call their lease.
			if (!stillHeld()) return false;
			const next = renewed(current, ctx.now(), (await port.now()) + leaseMs);
			if (await port.compareAndSet(next, 'renew the lease before sending', true)) {
				current = next;
				held = next.lease;
				return true;
			}
			current = (await port.read(true)) ?? current;
			return false;
		});
	let stopRenewing = () => {};
	const onTheWire = () => {
		stopRenewing();
		stopRenewing = renewEvery(leaseMs, renew);
	};
	// The claim made with the record is held from now, not from its send: the first attempt may wait before it leaves
	// (offline), and a lease lapsing meanwhile would let another client take over and send alongside it.
	if (claimedFirst) onTheWire();

	// Claims taken back because their attempt never left: they are not attempts anyone started, in the journal's count.
	let releasedClaims = 0;
	const release = async (mayHaveApplied: boolean) => {
		releasedClaims++;
		stopRenewing();
		try {
			await write(
				(from) => released(from, mayHaveApplied ? 'unknown' : 'pending', ctx.now()),
				'take back the claim of an attempt that was not sent',
				takenOver,
			);
		} catch (error) {
			// Best-effort like the final write: a claim left in place only reads as "unknown", which is safe.
			if (error instanceof FinishedElsewhere) throw error;
		}
	};

	progress.mayHaveApplied = !claimedFirst && wasInterrupted(record) && record.attemptsStarted > 0;
	// Whether an attempt of this call may have been applied: a journal failure after one must not read as "nothing was
	// sent". (An earlier run's unknown attempt was reported to that run, and its record still says so.)
	let uncertain = false;
	let outcome: Awaited<ReturnType<typeof attemptLoop>>;
	try {
		outcome = await attemptLoop(ctx, sameBytesAsBefore(request, record, claimedFirst), subject, {
			deadline,
			policy: options.policy,
			timeout: options.timeout,
			signal: options.signal,
			progress,
			hooks: {
				beforeSend: async () => {
					// The claim made with the record has been renewed since it was made: that renewal goes on. Any newer
					// claim or renewal below starts its own.
					let renewing = claimedFirst;
					if (claimedFirst) claimedFirst = false;
					else await claim();
					// A claim that landed only once its lease had run out (its write stuck behind others) is anyone's to take
					// over: renewed before it is sent, or, if another client was first, that client's attempt is waited on.
					// So is one a renewal already found taken over, lease run out or not (a forced resume elsewhere).
					while (held && (!stillHeld() || held.until <= (port.clock() ?? (await port.now())))) {
						renewing = false;
						if (await renewLapsed()) break;
						await claim();
					}
					if (!renewing) onTheWire();
				},
				othersAttempted: async () => {
					// Every attempt is claimed in the journal first: any beyond ours and those before this call were
					// started by another caller while this one ran.
					const latest = await port.read(false);
					const ours = progress.attempts - releasedClaims;
					return latest !== undefined && latest.attemptsStarted - attemptsBefore - ours > 0;
				},
				release,
				afterRetryable: async (mayHaveApplied) => {
					uncertain ||= mayHaveApplied;
					stopRenewing();
					// A 429 with nothing sent before it is still "not applied": such a record may later go out under any key.
					// Over a newer owner's claim it would read as "nobody is sending": that owner's record stands instead.
					await write(
						(from) => settled(from, mayHaveApplied ? 'unknown' : 'pending', ctx.now()),
						'record the attempt',
						takenOver,
					);
				},
			},
		});
	} catch (error) {
		stopRenewing();
		if (error instanceof JournalError && uncertain)
			throw journalFailedAfterSend(error, subject, progress.attempts);
		if (!(error instanceof FinishedElsewhere)) throw error;
		return ended(ctx, concludeRecord(error.record, subject));
	}

	stopRenewing();
	// The loop stopped (aborted, or out of time) before its first attempt used the claim made with the record.
	if (claimedFirst) {
		claimedFirst = false;
		await release(progress.mayHaveApplied).catch(() => {});
	}
	const end = conclude(outcome, progress.mayHaveApplied, subject, ctx);
	const { settle } = end;
	// Final writes are best-effort: the request was sent, and a record left inflight is resumed as "unknown" (same key), which is safe.
	if (settle) {
		try {
			// What the server answered is recorded whoever holds the operation now; "unknown" is not, over a newer owner's
			// claim: that attempt's own outcome will say more.
			await write(
				(from) => settled(from, settle.state, ctx.now(), settle.outcome),
				'record the outcome',
				settle.state === 'unknown' ? takenOver : undefined,
			);
		} catch (error) {
			// Abandoned by hand (forced, from another client or process) while our attempt was on the wire, and the server
			// has now applied it: left "abandoned", the journal would say "not applied" and invite a new operation, a
			// second booking. What the server answered wins over what someone guessed.
			const abandoned =
				error instanceof FinishedElsewhere && error.record.outcome?.byHand?.action === 'abandon';
			if (abandoned && settle.state === 'succeeded') {
				const next = settled(error.record, settle.state, ctx.now(), settle.outcome);
				await port.compareAndSet(next, 'record the outcome', false).catch(() => {});
			}
		}
	}
	return ended(ctx, end);
}

/** A newer owner took the operation over while we were about to write: its record is ours to build on now. */
class Adopted extends Error {
	constructor(readonly record: JournalRecord) {
		super('operation taken over by a newer owner');
	}
}

/** Another runner of the same operation finished it while we were about to write. */
class FinishedElsewhere extends Error {
	constructor(readonly record: JournalRecord) {
		super('operation finished elsewhere');
	}
}

const lostRecord = (subject: Subject, gone: boolean) =>
	new JournalError(
		`The journal ${gone ? 'record of' : 'refused every write to'} operation "${subject.operation}"${
			gone
				? ' disappeared while the call ran (deleted or collected)'
				: ` (${MAX_CAS_ROUNDS} compare-and-set rounds)`
		}; nothing more was sent.`,
		subject,
	);
