import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { newRecord } from '../../../src/journal/lifecycle.js';
import type { JournalRecord } from '../../../src/journal/record.js';
import { RECORD_VERSION } from '../../../src/journal/record.js';

export const SCOPE = 'file-journal-test';

/** A valid record of `operation`, as the client writes one when it starts an operation. */
export const record = (operation: string, overrides: Partial<JournalRecord> = {}): JournalRecord => ({
	...newRecord({
		scope: SCOPE,
		operation,
		key: `key-${operation}`,
		fingerprint: 'f'.repeat(64),
		method: 'POST',
		path: '/v1/bookings',
		now: Date.now(),
		retentionMs: 86_400_000,
		keepMs: 86_400_000,
	}),
	...overrides,
});

/** The record's next version in `state`, as compareAndSet expects it. */
export const advance = (r: JournalRecord, state: JournalRecord['state']): JournalRecord => ({
	...r,
	state,
	revision: r.revision + 1,
	updatedAt: r.updatedAt + 1,
});

export const logPath = (directory: string): string => join(directory, 'journal.log');
export const logBytes = (directory: string): Buffer => readFileSync(logPath(directory));
export const logSize = (directory: string): number => statSync(logPath(directory)).size;

/**
A whole frame in the journal's on-disk format, written here independently of the journal's encoder: a header line
`<crc32 hex> <body bytes> <meta JSON>` whose CRC covers everything after the first space, then one line per record.
*/
export function frame(meta: unknown[], records: unknown[]): Buffer {
	const body = records.map((r) => `${JSON.stringify(r)}\n`).join('');
	const rest = Buffer.from(`${Buffer.byteLength(body)} ${JSON.stringify(meta)}\n${body}`);
	return Buffer.concat([Buffer.from(`${crc32(rest).toString(16).padStart(8, '0')} `), rest]);
}

/** The frame meta of a put of `r`, with the record version `v`. */
export const putMeta = (r: JournalRecord, v: number = RECORD_VERSION): unknown[] => [
	'p',
	r.scope,
	r.operation,
	r.revision,
	r.state,
	r.createdAt,
	r.retainUntil,
	v,
];

/** "line N" of byte `offset` in `bytes`, counted as the journal's errors count it. */
export const lineAt = (bytes: Buffer, offset: number): number =>
	bytes.subarray(0, offset).toString('latin1').split('\n').length;

/**
Writes `directory`'s journal lock as a FileJournal in another live process of this host holds it: the owner is this
process's parent (the test runner), alive for as long as the test runs. `release()` frees it.
*/
export function lockHeldByAnotherProcess(directory: string): { release: () => void } {
	const lock = join(directory, 'journal.lock');
	writeFileSync(lock, JSON.stringify({ pid: process.ppid, host: hostname(), id: 'another-process' }), {
		mode: 0o600,
	});
	return { release: () => rmSync(lock) };
}
