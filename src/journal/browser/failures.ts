import { JournalError } from '../../errors/classes.js';
import { type JournalRecord, recordProblem } from '../record.js';

const QUOTA_NAMES = new Set(['QuotaExceededError', 'NS_ERROR_DOM_QUOTA_REACHED']);

/** Browsers disagree on how a full storage reports itself: Chrome and Safari by name, old Firefox by its own name or code. */
const isQuotaError = (error: unknown): boolean => {
	const { name, code } = (error ?? {}) as { name?: unknown; code?: unknown };
	return QUOTA_NAMES.has(String(name)) || code === 22 || code === 1014;
};

/**
Any failure of browser storage as a `JournalError`: the SDK then sends nothing. `what` says which storage failed to
do what, e.g. `Web Storage could not write entry "idemkey:[...]"`.
*/
export function storageError(error: unknown, what: string, operation?: string): JournalError {
	if (error instanceof JournalError) return error;
	const details = { cause: error, operation };
	if (isQuotaError(error)) {
		return new JournalError(
			`${what}: the storage is full; nothing was written. Free space with collectGarbage(Date.now()) or by removing other data of this site.`,
			details,
		);
	}
	const { name, message } = (error ?? {}) as { name?: unknown; message?: unknown };
	return new JournalError(`${what}: ${String(name ?? 'Error')}: ${String(message ?? error)}`, details);
}

/**
A value read from browser storage, checked to be the record of (scope, operation). Anything else (a half-written
value, another app's data under our key, a record of a future format) is reported, naming where it lies, and left in
place: the journal never drops what it cannot read.
*/
export function checkedRecord(
	value: unknown,
	where: string,
	scope: string,
	operation: string,
): JournalRecord {
	const why = recordProblem(value, { scope, operation });
	if (why !== undefined) {
		throw new JournalError(
			`${where} is not a usable idemkey record (${why}); remove or restore it to run operation "${operation}" again.`,
			{ operation },
		);
	}
	return value as JournalRecord;
}
