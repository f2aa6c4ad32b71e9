import { claimed, type NewRecordInput, newRecord, revised } from './lifecycle.js';
import { isFinished, type JournalRecord, type Lease } from './record.js';

/**
Whether another attempt of the record's operation may be on the wire right now: it is claimed (`inflight`) and its
lease runs past `now` (the journal's clock). A claim without a lease was written before leases, or by a process that
died: nobody renews it, so it is as good as expired.
*/
export const isLeaseLive = (record: JournalRecord, now: number): boolean =>
	record.state === 'inflight' && record.lease !== undefined && record.lease.until > now;

/** What a runner holding `owner` may do with the record as it stands at `now` (the journal's clock). */
export type Turn =
	/** Succeeded or failed: its outcome is the answer. */
	| 'finished'
	/** Set aside after too many interruptions: only an explicit resume runs it. */
	| 'aside'
	/** Another owner's attempt may be on the wire: send nothing, wait for its outcome or its lease to lapse. */
	| 'wait'
	/** Nobody holds it (or this owner does, from an attempt it gave up on): claim it. */
	| 'claim'
	/** Its owner stopped renewing mid-attempt (died, or hung): take it over; that attempt may have been applied. */
	| 'take-over'
	/** Taking it over would be one interruption too many: a crash loop, set it aside instead. */
	| 'set-aside';

export function turnOf(
	record: JournalRecord,
	owner: string,
	now: number,
	maxInterruptedAttempts: number,
	/** The journal vouches that the lease's owner has ended (a closed tab): its lease is as good as lapsed. */
	ownerGone = false,
): Turn {
	if (isFinished(record.state)) return 'finished';
	if (record.setAsideAt !== undefined) return 'aside';
	if (record.state !== 'inflight' || record.lease?.owner === owner) return 'claim';
	if (isLeaseLive(record, now) && !ownerGone) return 'wait';
	return (record.interruptions ?? 0) + 1 >= maxInterruptedAttempts ? 'set-aside' : 'take-over';
}

/** Terms of a lease: who holds it and until when (epoch ms on the journal's clock). */
export type LeaseTerms = { readonly owner: string; readonly until: number };

/**
The attempt is about to leave under `terms`: `claimed`, with a lease on a fence above every earlier one, so that a
write built on an earlier claim can be told from one built on this. Taking over another owner's unfinished claim
counts an interruption.
*/
export function leasedClaim(record: JournalRecord, at: number, terms: LeaseTerms): JournalRecord {
	const next = claimed(record, at);
	next.lease = { owner: terms.owner, until: terms.until, fence: (record.lease?.fence ?? 0) + 1 };
	if (record.state === 'inflight' && record.lease?.owner !== terms.owner) {
		next.interruptions = (record.interruptions ?? 0) + 1;
	}
	return next;
}

/** A new operation created already claimed, under `terms`, for its first attempt (see `newClaimedRecord`). */
export const newLeasedRecord = (input: NewRecordInput, terms: LeaseTerms): JournalRecord => ({
	...leasedClaim(newRecord(input), input.now, terms),
	revision: 1,
});

/** The owner's attempt is still on the wire: the same lease, running to `until`. */
export const renewed = (record: JournalRecord, at: number, until: number): JournalRecord =>
	revised(record, at, { lease: { ...(record.lease as Lease), until } });

/**
Interrupted once too often (its owners keep dying mid-attempt: a request that crashes the process, a poisoned
payload): stop taking it over. Its last attempt may have been applied, hence `unknown`; the fence is kept, so the
dead owner's late writes are still told apart.
*/
export const setAside = (record: JournalRecord, at: number): JournalRecord =>
	revised(record, at, { state: 'unknown', interruptions: (record.interruptions ?? 0) + 1, setAsideAt: at });

/**
The caller says the operation's last owner is gone and chose to run it again (resume with force): no longer set aside,
its interruptions counted afresh. An attempt another owner left on the wire (its lease live or lapsed) ends here as
that count's one interruption, its outcome unknown; the run then claims it rather than taking it over, so the takeover
the caller asked for cannot be the one that sets it aside. The fence is kept: that owner's late writes are still
refused once the run claims it.
*/
export function freedByHand(record: JournalRecord, at: number): JournalRecord {
	const { setAsideAt, ...rest } = record;
	if (record.state === 'inflight')
		return revised(rest as JournalRecord, at, { state: 'unknown', interruptions: 1 });
	return revised(rest as JournalRecord, at, setAsideAt === undefined ? {} : { interruptions: 0 });
}

/**
A write built on the claim that carried `held` would overwrite a newer owner's: its fence is higher, so that owner
took the operation over (this one's lease lapsed, it was paused or cut off). The writer adopts the newer record.
*/
export const supersedes = (latest: JournalRecord, held: Lease | undefined): boolean =>
	held !== undefined && (latest.lease?.fence ?? 0) > held.fence;
