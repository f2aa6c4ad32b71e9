import { join } from 'node:path';
import { newRecord } from '../../src/journal/lifecycle.js';
import type { JournalRecord } from '../../src/journal/record.js';
import { FileJournal } from '../../src/node.js';

/** A fixed instant, so the times a command prints are known. */
export const T0 = Date.parse('2026-03-01T09:00:00.000Z');

/**
A record as a version without leases or histories wrote it (none of lease, interruptions, setAsideAt, history, trace),
with `overrides` on top: what the pipeline would have stored for a POST /charges.
*/
export const storedRecord = (operation: string, overrides: Partial<JournalRecord> = {}): JournalRecord => ({
	...newRecord({
		scope: 'default',
		operation,
		key: `key-${operation}`,
		fingerprint: 'f4a1c9d2e3b4a5968778695a4b3c2d1e0f4a1c9d2e3b4a5968778695a4b3c2d1',
		method: 'POST',
		path: '/v1/charges',
		now: T0,
		retentionMs: 86_400_000,
		keepMs: 86_400_000 * 365 * 20,
		request: {
			url: 'https://api.example.com/v1/charges',
			headers: [['content-type', 'application/json']],
			body: 'eyJhbW91bnQiOjV9',
		},
	}),
	...overrides,
});

/** Writes `records` into the FileJournal of `cwd` (its default `.idemkey`), through the journal API. */
export async function seedJournal(cwd: string, records: readonly JournalRecord[]): Promise<void> {
	const journal = new FileJournal({ directory: join(cwd, '.idemkey') });
	try {
		for (const record of records) await journal.create(record);
	} finally {
		await journal.close();
	}
}
