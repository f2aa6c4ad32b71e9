import { JournalError } from '../errors/classes.js';
import {
	claimed,
	isFreshRecord,
	keyExpired,
	newClaimedRecord,
	released,
	settled,
	wasInterrupted,
} from '../journal/lifecycle.js';
import type { JournalRecord } from '../journal/record.js';
import { mintKey } from '../keys/mint.js';
import type { RetryPolicy } from '../retry/policy.js';
import type { IdemResult } from '../types/result.js';
import { attemptLoop, type Progress, recording } from './attempts.js';
import { sameBytesAsBefore } from './body.js';
import { MAX_CAS_ROUNDS, writeOnLatest } from './cas.js';
import { conclude, concludeEarly, concludeRecord, ended } from './conclude.js';
import type { ClientContext, Subject } from './context.js';
import { journalFailedAfterSend, keyExpiredError } from './failures.js';
import { journalPort, undoClaim, undoLateCreate } from './journal-io.js';
import { type PreparedRequest, snapshot } from './prepare.js';

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
	const { journal } = ctx;
	// One deadline for the whole call: journal waits and the attempt loop share it.
	const deadline = ctx.now() + options.policy.maxRetryTime;
	const port = journalPort(ctx, operation, { signal: options.signal, deadline });
	port.ids.key = request.explicitKey;
	// create() is create-if-absent and hands back whichever record is stored, so this one call both starts a new
	// operation and finds an earlier run's record (this process's, another's, or a crashed one's): no read first.
	const fresh = newClaimedRecord({
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
	});
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
	const write = async (transition: (from: JournalRecord) => JournalRecord, what: string) => {
		const end = await writeOnLatest(current, recording(progress, transition), {
			write: (next, from) => {
				// A claim is written before its send; every other write records what a send did.
				const claim = next.state === 'inflight';
				// A leftover `inflight` (a crashed owner) is an attempt of unknown outcome, as `wasInterrupted` reads it.
				const undo = (wrote: boolean) => {
					if (wrote && claim)
						undoClaim(journal, next, from.state === 'pending' ? 'pending' : 'unknown', ctx.now());
				};
				return port.compareAndSet(next, what, claim, undo);
			},
			reread: (lost) => port.read(lost.state === 'inflight'),
		});
		if (end.type === 'written') current = end.record;
		else if (end.type === 'finished') throw new FinishedElsewhere(end.record);
		else throw lostRecord(subject, end.type === 'gone');
	};

	// Claims taken back because their attempt never left: they are not attempts anyone started, in the journal's count.
	let releasedClaims = 0;
	const release = async (mayHaveApplied: boolean) => {
		releasedClaims++;
		try {
			await write(
				(from) => released(from, mayHaveApplied ? 'unknown' : 'pending', ctx.now()),
				'take back the claim of an attempt that was not sent',
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
					if (claimedFirst) {
						claimedFirst = false;
						return;
					}
					if (keyExpired(current, ctx.now()) && wasInterrupted(current))
						throw keyExpiredError(current, subject);
					await write((from) => claimed(from, ctx.now()), 'record the attempt before sending');
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
					// A 429 with nothing sent before it is still "not applied": such a record may later go out under any key.
					await write(
						(from) => settled(from, mayHaveApplied ? 'unknown' : 'pending', ctx.now()),
						'record the attempt',
					);
				},
			},
		});
	} catch (error) {
		if (error instanceof JournalError && uncertain)
			throw journalFailedAfterSend(error, subject, progress.attempts);
		if (!(error instanceof FinishedElsewhere)) throw error;
		return ended(ctx, concludeRecord(error.record, subject));
	}

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
			await write((from) => settled(from, settle.state, ctx.now(), settle.outcome), 'record the outcome');
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
