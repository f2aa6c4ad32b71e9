import type { IdempotencyError } from '../errors/base.js';
import { InvalidRequestError, JournalError } from '../errors/classes.js';
import { abandoned, resolvedByHand } from '../journal/lifecycle.js';
import { isFinished, type JournalRecord } from '../journal/record.js';
import type { JournalPort } from './journal-io.js';

/** How the caller settles an unfinished operation: what `abandon()`, `resolve()` and `onExpired` decide. */
export type ByHand =
	| { readonly action: 'abandon'; readonly reason?: string | undefined; readonly error?: 'key_expired' }
	| {
			readonly action: 'resolve';
			readonly status?: number | undefined;
			readonly data?: unknown;
			readonly reason?: string | undefined;
	  };

const MAX_REASON_LENGTH = 1_000;

/** The record that settles `record` as `decision` says; refuses (before any write) what cannot be recorded. */
export function settledByHand(record: JournalRecord, decision: ByHand, now: number): JournalRecord {
	const ids = { key: record.key ?? undefined, operation: record.operation };
	const reason = decision.reason;
	if (reason !== undefined && (typeof reason !== 'string' || reason.length > MAX_REASON_LENGTH)) {
		throw new InvalidRequestError(`reason must be a string of at most ${MAX_REASON_LENGTH} characters.`, {
			field: 'reason',
			...ids,
		});
	}
	if (decision.action === 'abandon') {
		return abandoned(record, now, { error: decision.error ?? 'abandoned', reason });
	}
	const status = decision.status ?? 200;
	// Resolving records a success the caller found; "it was not applied" is what abandoning says.
	if (!Number.isInteger(status) || status < 200 || status > 299) {
		throw new InvalidRequestError(
			`status must be the 2xx the server would have answered; got ${String(status)}. To record that it was not applied, abandon it instead.`,
			{ field: 'status', ...ids },
		);
	}
	let json: string | undefined;
	try {
		json = decision.data === undefined ? undefined : JSON.stringify(decision.data);
	} catch (error) {
		throw new InvalidRequestError(`data must be JSON-serialisable: ${(error as Error).message}`, {
			field: 'data',
			...ids,
			cause: error,
		});
	}
	return resolvedByHand(record, now, { status, json, reason });
}

/** Why `record` cannot be settled by hand now, for {@link refusal}; `undefined` when it can. */
export type Refusal = 'finished' | 'running_here' | 'inflight';

/**
Pure: an operation can be settled by hand only while unfinished, never while this process is sending it, and, when an
attempt was started and no answer recorded (`inflight`: another process may be sending it right now, or died doing
so), only when forced.
*/
export function refusal(record: JournalRecord, runningHere: boolean, force: boolean): Refusal | undefined {
	if (isFinished(record.state)) return 'finished';
	if (runningHere) return 'running_here';
	if (record.state === 'inflight' && !force) return 'inflight';
	return undefined;
}

/** Whether `stored` already holds what settling it again as `wanted` would write: a repeated command is a no-op. */
export function sameByHand(stored: JournalRecord, wanted: JournalRecord): boolean {
	const a = stored.outcome;
	const b = wanted.outcome;
	return (
		stored.state === wanted.state &&
		a?.byHand?.action === b?.byHand?.action &&
		a?.error === b?.error &&
		a?.status === b?.status &&
		a?.body === b?.body
	);
}

/**
Writes a by-hand settlement over the record it was built from, through the port (so within the caller's signal and
deadline: a lock held by another process is not waited out); a record changed meanwhile is a `JournalError`. The
port's errors name the key the record holds: a settlement may carry a fresh one (`resend`) that nothing has kept yet.
*/
export async function writeByHand(
	port: JournalPort,
	next: JournalRecord,
	cause?: IdempotencyError,
): Promise<void> {
	const written = await port.compareAndSet(
		next,
		`record how operation "${next.operation}" was settled`,
		true,
	);
	if (!written) {
		throw new JournalError(
			`Operation "${next.operation}" changed in the journal while being settled (resumed elsewhere?); nothing was sent or recorded. Look at it again and retry.`,
			{ operation: next.operation, cause },
		);
	}
}
