import { OutcomeUnknownError } from '../errors/classes.js';
import type { JournalRecord } from '../journal/record.js';

/** A run of an operation set aside (see `maxInterruptedAttempts`): refused before anything is sent, saying how to go on. */
export const setAsideError = (
	record: JournalRecord,
	ids: { key: string | undefined; operation: string },
): OutcomeUnknownError =>
	new OutcomeUnknownError(
		`Operation "${ids.operation}" was set aside after ${record.interruptions ?? 0} interrupted attempts (a crash loop?); it may have been applied. Nothing was sent: find out why, then resume("${ids.operation}", { force: true }), or abandon() or resolve() it.`,
		{ key: ids.key, operation: ids.operation, attempts: 0, reason: 'interrupted' },
	);
