import { newRecord } from '../../journal/lifecycle.js';
import type { JournalRecord, RecordOutcome } from '../../journal/record.js';

// The suite runs wherever a journal does (browsers and old runtimes included), so it cannot count on randomUUID.
export const uid = (): string =>
	typeof globalThis.crypto?.randomUUID === 'function'
		? globalThis.crypto.randomUUID()
		: `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;

const RETENTION_MS = 90_000;
const KEEP_MS = 86_400_000;

export type MakeRecord = (scope: string, operation: string, at?: number) => JournalRecord;

/**
Makes fresh pending records, as the runner writes them. The serial keeps every fingerprint, path and body distinct
across the whole suite, so a journal that confuses two records is caught by comparing them.
*/
export function recordMaker(): MakeRecord {
	let serial = 0;
	return (scope, operation, at = Date.now()) => {
		serial++;
		return newRecord({
			scope,
			operation,
			key: `key-${uid()}`,
			fingerprint: `fp-${serial}-${uid()}`,
			method: 'POST',
			path: `/bookings/${serial}`,
			now: at,
			retentionMs: RETENTION_MS,
			keepMs: KEEP_MS,
			request: {
				url: `https://api.example.test/v1/bookings/${serial}`,
				headers: [
					['content-type', 'application/json'],
					['x-request-id', `req-${serial}`],
				],
				body: btoa(`{"serial":${serial}}`),
			},
		});
	};
}

export const succeededOutcome = (body = '{"id":"b1","seats":2}'): RecordOutcome => ({
	status: 201,
	replayed: false,
	headers: [
		['content-type', 'application/json'],
		['x-idempotent-replayed', 'false'],
	],
	body,
});

/** A deep copy that shares nothing with the original, taken before a caller scribbles on it. */
export const copy = (record: JournalRecord): JournalRecord =>
	JSON.parse(JSON.stringify(record)) as JournalRecord;
