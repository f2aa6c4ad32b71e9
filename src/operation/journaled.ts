import {
	InvalidRequestError,
	JournalError,
	KeyExpiredError,
	KeyReuseError,
	OutcomeUnknownError,
} from '../errors/classes.js';
import {
	claimed,
	keyExpired,
	newClaimedRecord,
	released,
	settled,
	wasInterrupted,
} from '../journal/lifecycle.js';
import type { JournalRecord, OperationState, RecordOutcome, RequestSnapshot } from '../journal/record.js';
import { mintKey } from '../keys/mint.js';
import type { RetryPolicy } from '../retry/policy.js';
import { fromBase64, toBase64 } from '../utils/base64.js';
import { persistableHeaders, withoutSecretHeaders } from '../utils/headers.js';
import { attemptLoop, type Progress } from './attempts.js';
import { MAX_CAS_ROUNDS, writeOnLatest } from './cas.js';
import type { ClientContext, RawResult } from './context.js';
import { exhaustedError, failureError, type Subject } from './failures.js';
import { fromJournal, storedError } from './from-journal.js';
import { checkedRecord, type JournalWait, journalIo, undoClaim, undoLateCreate } from './journal-io.js';
import type { PreparedRequest } from './prepare.js';
import { rawFrom } from './raw.js';
import type { Sent } from './send.js';

export type RunOptions = {
	operation: string;
	policy: RetryPolicy;
	timeout: number;
	signal: AbortSignal | undefined;
	progress: Progress;
};

/** One journaled write: the record lifecycle of DESIGN §5 around the attempt loop. */
export async function runJournaled(
	ctx: ClientContext,
	request: PreparedRequest,
	options: RunOptions,
): Promise<RawResult> {
	const { operation } = options;
	const { journal, scope } = ctx;
	const ids = { key: request.explicitKey, operation };
	// One deadline for the whole call: journal waits and the attempt loop share it.
	const deadline = ctx.now() + options.policy.maxRetryTime;
	const waitFor = (beforeSend: boolean): JournalWait => ({
		signal: options.signal,
		deadline,
		now: ctx.now,
		beforeSend,
	});
	// create() is create-if-absent and hands back whichever record is stored, so this one call both starts a new
	// operation and finds an earlier run's record (this process's, another's, or a crashed one's): no read first.
	const fresh = newClaimedRecord({
		scope,
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
	const stored = await journalIo(
		'record the operation',
		ids,
		waitFor(true),
		(o) => journal.create(fresh, o),
		undoLateCreate(journal, fresh, request.keyed && request.explicitKey === undefined, ctx.now),
	);
	// A journal that keeps the very object it was given (MemoryJournal) hands back our own record: nothing to check.
	const record = stored === fresh ? fresh : checkedRecord(stored, scope, operation, ids);
	// Ours when the stored record is the one just written: its first attempt is already claimed. Anything else is an
	// earlier run's record (or another caller's, created the same millisecond), which every attempt claims anew.
	// Journals hand back the very record they stored; a copy is recognised by its minted key, and a key-less copy
	// not at all: two callers of one key-less operation must not both take it for their own first attempt.
	let claimedFirst =
		stored === fresh ||
		(fresh.key !== null &&
			record.revision === 1 &&
			record.state === 'inflight' &&
			record.createdAt === fresh.createdAt &&
			record.key === fresh.key &&
			record.fingerprint === fresh.fingerprint);
	// Attempts of this operation that others started before this call: what `earlierAttemptUnknown` accounts for.
	const attemptsBefore = claimedFirst ? 0 : record.attemptsStarted;

	const subject: Subject = {
		key: record.key ?? undefined,
		operation,
		method: request.method,
		url: request.url,
	};
	if (record.fingerprint !== request.fingerprint) {
		ctx.emit({ type: 'conflict', ...subject, attempt: 0, source: 'journal' });
		throw new KeyReuseError(
			`Operation "${operation}" was first run with a different request (${record.method} ${record.path}); a key can carry only one request. Use a new operation id for a different request.`,
			{ key: subject.key, operation, source: 'journal' },
		);
	}
	if (request.explicitKey !== undefined && record.key !== null && record.key !== request.explicitKey) {
		throw new InvalidRequestError(
			`Operation "${operation}" already has key ${record.key}; a key is immutable once journaled. Omit "key" or use a new operation id.`,
			{ field: 'key', ...ids },
		);
	}
	if (record.state === 'succeeded') {
		ctx.emit({ type: 'replay', ...subject, attempt: 0, source: 'journal' });
		return fromJournal(record);
	}
	if (record.state === 'failed') throw storedError(record, subject);
	const now = ctx.now();
	if (keyExpired(record, now) && wasInterrupted(record)) throw expired(record, subject);

	let current: JournalRecord = record;
	const write = async (transition: (from: JournalRecord) => JournalRecord, what: string) => {
		const end = await writeOnLatest(current, transition, {
			write: (next, from) => {
				// A claim is written before its send; every other write records what a send did.
				const claim = next.state === 'inflight';
				const undo = (wrote: boolean) => {
					// A leftover `inflight` (a crashed owner) is an attempt of unknown outcome, as `wasInterrupted` reads it.
					if (wrote && claim)
						undoClaim(journal, next, from.state === 'pending' ? 'pending' : 'unknown', ctx.now());
				};
				return journalIo(what, subject, waitFor(claim), (o) => journal.compareAndSet(next, o), undo);
			},
			reread: async (lost) => {
				const read = await journalIo(
					're-read the operation',
					subject,
					waitFor(lost.state === 'inflight'),
					(o) => journal.get(scope, operation, o),
				);
				return read == null ? undefined : checkedRecord(read, scope, operation, subject);
			},
		});
		if (end.type === 'written') current = end.record;
		else if (end.type === 'finished') throw new FinishedElsewhere(end.record);
		else if (end.type === 'gone') {
			throw new JournalError(
				`The journal record of operation "${operation}" disappeared while the call ran (deleted or garbage-collected); nothing more was sent.`,
				subject,
			);
		} else {
			throw new JournalError(
				`The journal kept rejecting writes to operation "${operation}" (compare-and-set failed ${MAX_CAS_ROUNDS} times); nothing more was sent.`,
				subject,
			);
		}
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

	const earlierAttemptUnknown = !claimedFirst && wasInterrupted(record) && record.attemptsStarted > 0;
	// Whether an attempt of this call may have been applied: a journal failure after one must not read as "nothing was
	// sent". (An earlier run's unknown attempt was reported to that run, and its record still says so.)
	let uncertain = false;
	let loop: Awaited<ReturnType<typeof attemptLoop>>;
	try {
		loop = await attemptLoop(ctx, sameBytesAsBefore(request, record, claimedFirst), subject, {
			deadline,
			policy: options.policy,
			timeout: options.timeout,
			signal: options.signal,
			earlierAttemptUnknown,
			progress: options.progress,
			hooks: {
				beforeSend: async () => {
					if (claimedFirst) {
						claimedFirst = false;
						return;
					}
					if (keyExpired(current, ctx.now()) && wasInterrupted(current)) throw expired(current, subject);
					await write((from) => claimed(from, ctx.now()), 'record the attempt before sending');
				},
				othersAttempted: async () => {
					// Every attempt is claimed in the journal first: any beyond ours and those before this call were
					// started by another caller while this one ran.
					const read = await journalIo('re-read the operation', subject, waitFor(false), (o) =>
						journal.get(scope, operation, o),
					);
					const latest = read == null ? undefined : checkedRecord(read, scope, operation, subject);
					const ours = options.progress.attempts - releasedClaims;
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
			throw journalFailedAfterSend(error, subject, options.progress.attempts);
		if (!(error instanceof FinishedElsewhere)) throw error;
		if (error.record.state === 'failed') throw storedError(error.record, subject);
		ctx.emit({ type: 'replay', ...subject, attempt: 0, source: 'journal' });
		return fromJournal(error.record);
	}

	const { outcome } = loop;
	// The loop stopped (aborted, or out of time) before its first attempt used the claim made with the record.
	if (claimedFirst) {
		claimedFirst = false;
		await release(loop.mayHaveApplied).catch(() => {});
	}
	const attempts = outcome.attempts;
	// Final writes are best-effort: the request was sent, and a record left inflight is resumed as "unknown" (same key), which is safe.
	const finish = async (state: Exclude<OperationState, 'inflight'>, result?: RecordOutcome) => {
		try {
			await write((from) => settled(from, state, ctx.now(), result), 'record the outcome');
		} catch (error) {
			// Abandoned by hand (forced, from another client or process) while our attempt was on the wire, and the server
			// has now applied it: left "abandoned", the journal would say "not applied" and invite a new operation, a
			// second booking. What the server answered wins over what someone guessed.
			const abandoned =
				error instanceof FinishedElsewhere && error.record.outcome?.byHand?.action === 'abandon';
			if (abandoned && state === 'succeeded') {
				const next = settled(error.record, state, ctx.now(), result);
				await journalIo('record the outcome', subject, waitFor(false), (o) =>
					journal.compareAndSet(next, o),
				).catch(() => {});
			}
		}
	};

	if (outcome.type === 'done') {
		const { decision, value } = outcome.last;
		if (decision.type === 'succeed') {
			await finish('succeeded', toOutcome(ctx, value, decision.replayed));
			if (decision.replayed === true)
				ctx.emit({ type: 'replay', ...subject, attempt: attempts, source: 'server' });
			return rawFrom(value, subject, attempts, decision.replayed);
		}
		if (decision.type === 'fail') {
			const error = failureError(decision, value.observation, subject, attempts);
			// Only a definite answer makes the record `failed` (not applied): a stored 5xx replayed, or a key the
			// server says carried another request after an attempt of unknown outcome, leave it `unknown`.
			if (decision.failure === 'unknown' || decision.failure === 'key_reused_after_unknown')
				await finish('unknown');
			else await finish('failed', { ...toOutcome(ctx, value, null), error: decision.failure });
			if (decision.failure === 'key_reused' || decision.failure === 'key_reused_after_unknown')
				ctx.emit({ type: 'conflict', ...subject, attempt: attempts, source: 'server' });
			throw error;
		}
	}
	if (outcome.type === 'aborted' && !loop.mayHaveApplied) throw outcome.reason;
	throw exhaustedError(
		outcome as Exclude<typeof outcome, { type: 'done' }>,
		subject,
		attempts,
		loop.mayHaveApplied,
	);
}

/** A `JournalError` says "nothing was sent", which is no longer the whole truth once an attempt may have landed. */
const journalFailedAfterSend = (error: JournalError, subject: Subject, attempts: number) =>
	new OutcomeUnknownError(
		`${error.message} An earlier attempt of operation "${subject.operation}" may have been applied, so its outcome is unknown. Resume it with the same operation id once the journal answers; never resend it under a new one.`,
		{ key: subject.key, operation: subject.operation, attempts, reason: 'journal', cause: error },
	);

/** Another runner of the same operation finished it while we were about to write. */
class FinishedElsewhere extends Error {
	constructor(readonly record: JournalRecord) {
		super('operation finished elsewhere');
	}
}

const expired = (record: JournalRecord, subject: Subject) =>
	new KeyExpiredError(
		`Operation "${subject.operation}" was interrupted with an unknown outcome and its key expired at ${new Date(
			record.expiresAt ?? 0,
		).toISOString()} (the server's retention); resending could apply it twice. Check with the server whether it was applied, then abandon it or run it as a new operation.`,
		{ key: subject.key, operation: subject.operation, expiredAt: record.expiresAt ?? 0 },
	);

/**
A rerun resends the bytes the operation's record kept, when it kept them. Equal fingerprints mean the same logical
request, and this version writes JSON canonically, so these are the bytes about to go out anyway, except in a record
written by an earlier idemkey (the caller's key order), which a server comparing raw bytes would call a reused key.
*/
function sameBytesAsBefore(request: PreparedRequest, record: JournalRecord, ours: boolean): PreparedRequest {
	const stored = record.request?.body;
	if (ours || stored === undefined || request.body === undefined) return request;
	let body: Uint8Array<ArrayBuffer>;
	try {
		body = fromBase64(stored) as Uint8Array<ArrayBuffer>;
	} catch {
		return request;
	}
	return { ...request, body };
}

/** What a record keeps of the request: allow-listed headers only, and the body only when bodies are stored. */
function snapshot(
	request: PreparedRequest,
	withBody: boolean,
	headers: ReadonlySet<string>,
): RequestSnapshot {
	const snap: RequestSnapshot = { url: request.url, headers: persistableHeaders(request.headers, headers) };
	if (request.body && withBody) snap.body = toBase64(request.body);
	else if (request.body) snap.bodyOmitted = true;
	return snap;
}

function toOutcome(ctx: ClientContext, sent: Sent, replayed: boolean | null | undefined): RecordOutcome {
	const observation = sent.observation;
	if (observation.kind !== 'response') throw new Error('an outcome always has a response');
	const outcome: RecordOutcome = {
		status: observation.status,
		replayed: replayed ?? null,
		headers: withoutSecretHeaders(observation.headers),
	};
	const text = sent.text ?? '';
	if (ctx.storeBodies && text.length > 0) {
		// Length in UTF-16 units is a cheap upper bound check first; exact bytes only when close.
		const fits =
			text.length * 3 <= ctx.maxStoredBodyBytes ||
			new TextEncoder().encode(text).length <= ctx.maxStoredBodyBytes;
		if (fits) outcome.body = text;
		else outcome.bodyTruncated = true;
	}
	return outcome;
}
