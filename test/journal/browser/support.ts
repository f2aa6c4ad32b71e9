import { IDBFactory } from 'fake-indexeddb';
import { afterEach, expect } from 'vitest';
import { JournalError } from '../../../src/errors/classes.js';
import { IndexedDBJournal, type IndexedDBJournalOptions } from '../../../src/journal/browser/indexeddb.js';
import type { Journal } from '../../../src/journal/journal.js';
import { claimed, newRecord, settled } from '../../../src/journal/lifecycle.js';
import type { JournalRecord } from '../../../src/journal/record.js';

export const NOW = Date.now();

/** A fresh pending record created at NOW, collectable 90 s later once finished. */
export const record = (operation: string, scope = 'tenant-1'): JournalRecord =>
	newRecord({
		scope,
		operation,
		key: `key-${operation}`,
		fingerprint: `fp-${operation}`,
		method: 'POST',
		path: '/bookings',
		now: NOW,
		retentionMs: 90_000,
		keepMs: 1_000,
	});

/** Creates, claims and finishes `operation`; resolves to the succeeded record. */
export async function finish(journal: Journal, operation: string): Promise<JournalRecord> {
	const claim = claimed(await journal.create(record(operation)), NOW + 1);
	await journal.compareAndSet(claim);
	const done = settled(claim, 'succeeded', NOW + 2, { status: 201, replayed: false, headers: [] });
	await journal.compareAndSet(done);
	return done;
}

/** The JournalError `promise` rejects with (fails the test when it resolves or rejects with anything else). */
export async function rejection(promise: Promise<unknown>): Promise<JournalError> {
	const error = await promise.then(
		() => undefined,
		(e: unknown) => e,
	);
	expect(error).toBeInstanceOf(JournalError);
	return error as JournalError;
}

const opened: IndexedDBJournal[] = [];

/** An IndexedDBJournal (on a database of its own unless `indexedDB` is given), closed after the test. */
export function indexedDBJournal(options: IndexedDBJournalOptions = {}): IndexedDBJournal {
	return closedAfterTest(new IndexedDBJournal({ indexedDB: new IDBFactory(), ...options }));
}

export function closedAfterTest(journal: IndexedDBJournal): IndexedDBJournal {
	opened.push(journal);
	return journal;
}

afterEach(async () => {
	await Promise.all(opened.splice(0).map((j) => j.close()));
});
