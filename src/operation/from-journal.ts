import { errorCodes } from '../dialects/error-body.js';
import type { IdempotencyError } from '../errors/base.js';
import {
	KeyExpiredError,
	KeyMissingError,
	KeyReuseError,
	OperationAbandonedError,
	RequestRejectedError,
} from '../errors/classes.js';
import type { JournalRecord } from '../journal/record.js';
import { parseBody } from '../utils/parse-body.js';
import type { RawResult } from './context.js';
import type { Subject } from './failures.js';

const answerOf = (record: JournalRecord) => {
	const outcome = record.outcome;
	const headers = new Headers(outcome?.headers ?? []);
	return {
		status: outcome?.status ?? 0,
		headers,
		body: outcome?.body === undefined ? undefined : parseBody(outcome.body, headers.get('content-type')),
	};
};

/** A succeeded record answers a re-run without a request. */
export function fromJournal(record: JournalRecord): RawResult {
	const answer = answerOf(record);
	return {
		...answer,
		key: record.key ?? undefined,
		operation: record.operation,
		attempts: 0,
		replayed: true,
		fromJournal: true,
	};
}

/** A failed record raises the same error again on re-run, without a request. */
export function storedError(record: JournalRecord, subject: Subject): IdempotencyError {
	const answer = answerOf(record);
	const ids = { key: subject.key, operation: subject.operation, answer };
	const was = `Operation "${subject.operation}" already failed`;
	switch (record.outcome?.error) {
		case 'key_reused':
			return new KeyReuseError(`${was}: the server said its key was used for a different request.`, {
				...ids,
				source: 'server',
			});
		case 'key_expired':
			return new KeyExpiredError(
				`${was}: its key expired with the outcome unknown and it was abandoned. Use a new operation id to run it again.`,
				{ key: subject.key, operation: subject.operation, expiredAt: record.expiresAt ?? 0 },
			);
		case 'abandoned': {
			const reason = record.outcome?.byHand?.reason;
			return new OperationAbandonedError(
				`Operation "${subject.operation}" was abandoned by hand${reason ? ` (${reason})` : ''} at ${new Date(record.updatedAt).toISOString()}, ${record.attemptsStarted === 0 ? 'before anything was sent' : 'with its outcome unknown'}; it is not sent again. Check with the server whether it was applied; run it again only under a new operation id.`,
				{ key: subject.key, operation: subject.operation, reason, abandonedAt: record.updatedAt },
			);
		}
		case 'key_missing':
			return new KeyMissingError(`${was}: the server required an Idempotency-Key.`, ids);
		default:
			return new RequestRejectedError(
				`${was}: the server rejected it with ${answer.status}; it was not applied. Use a new operation id to try again.`,
				// The code is read off the stored body the same way classify read it off the live one.
				{ ...ids, errorCode: errorCodes(answer.body)[0] },
			);
	}
}
