import { closeSync, fstatSync, openSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { JournalRecord } from '../../../src/journal/record.js';
import { FileJournal, type FileJournalOptions } from '../../../src/node.js';
import { advance, logPath, logSize, record, SCOPE } from './support.js';
import { tempDir } from './temp-dirs.js';

const open: FileJournal[] = [];
const journal = (options: FileJournalOptions): FileJournal => {
	const j = new FileJournal(options);
	open.push(j);
	return j;
};
afterEach(async () => {
	for (const j of open.splice(0)) await j.close();
});

const mode = (path: string) => statSync(path).mode & 0o777;

/**
The log file as it is now, held open so that its inode cannot be reused: `replaced()` tells whether the path now
names another file (a compaction renamed a new one into place).
*/
function pin(directory: string) {
	const fd = openSync(logPath(directory), 'r');
	pinned.push(fd);
	const { ino } = fstatSync(fd);
	return { replaced: () => statSync(logPath(directory)).ino !== ino };
}
const pinned: number[] = [];
afterEach(() => {
	for (const fd of pinned.splice(0)) closeSync(fd);
});

/** Writes `r` again `times` times (each a new revision): the log grows while its live data does not. */
async function rewrite(j: FileJournal, r: JournalRecord, times: number): Promise<JournalRecord> {
	let current = r;
	for (let i = 0; i < times; i++) {
		const next = advance(current, 'inflight');
		expect(await j.compareAndSet(next)).toBe(true);
		current = next;
	}
	return current;
}

describe('files are private to their owner', () => {
	it('creates missing directories with mode 0700 and the log with mode 0600', async () => {
		const directory = join(tempDir(), 'nested', 'journal');
		const j = journal({ directory });
		await j.create(record('a'));
		expect(mode(directory)).toBe(0o700);
		expect(mode(logPath(directory))).toBe(0o600);
	});

	it('a compacted log is created with mode 0600 too', async () => {
		const directory = tempDir();
		const j = journal({ directory, compactAfterBytes: 2048 });
		const r = await j.create(record('a'));
		const original = pin(directory);
		await rewrite(j, r, 40);
		expect(original.replaced()).toBe(true);
		expect(mode(logPath(directory))).toBe(0o600);
	});
});

describe('compaction rewrites the log by atomic rename and keeps every live record', () => {
	it('drops superseded and deleted entries, keeps the latest version of every record', async () => {
		const directory = tempDir();
		const threshold = 16 * 1024;
		const j = journal({ directory, compactAfterBytes: threshold });
		const latest = new Map<string, JournalRecord>();
		let original: ReturnType<typeof pin> | undefined;
		for (let i = 0; i < 30; i++) {
			const created = await j.create(record(`op-${i}`, { retainUntil: 1_000 }));
			original ??= pin(directory);
			latest.set(created.operation, created);
		}
		// Every record is rewritten several times; some end finished and are then collected.
		for (let round = 0; round < 6; round++) {
			for (const [operation, r] of latest) {
				const next = advance(r, round === 5 && operation.endsWith('7') ? 'succeeded' : 'inflight');
				expect(await j.compareAndSet(next)).toBe(true);
				latest.set(operation, next);
			}
		}
		expect(await j.collectGarbage(2_000)).toBe(3);
		for (const operation of ['op-7', 'op-17', 'op-27']) latest.delete(operation);

		// The log was replaced by a new file (rename), not truncated in place, and is now mostly live data.
		expect(original?.replaced()).toBe(true);
		expect(logSize(directory)).toBeLessThan(threshold * 2);
		expect(readdirSync(directory).filter((name) => name.includes('.compact-'))).toEqual([]);

		const expected = [...latest.values()];
		expect(await j.listUnfinished(SCOPE)).toEqual(expected);
		await j.close();
		const reopened = journal({ directory });
		expect(await reopened.listUnfinished(SCOPE)).toEqual(expected);
		expect(await reopened.get(SCOPE, 'op-7')).toBeUndefined();
	});

	it('another process on the directory follows the compacted file and keeps writing to it', async () => {
		const directory = tempDir();
		const compacting = journal({ directory, compactAfterBytes: 2048 });
		const other = journal({ directory });
		const first = await compacting.create(record('a'));
		expect(await other.get(SCOPE, 'a')).toEqual(first);
		const original = pin(directory);
		const r = await rewrite(compacting, first, 30);
		expect(original.replaced()).toBe(true);
		expect(await other.get(SCOPE, 'a')).toEqual(r);
		const b = await other.create(record('b'));
		expect(await compacting.listUnfinished(SCOPE)).toEqual([r, b]);
	});

	it('the temporary file of a compaction interrupted by a crash is removed, the log left intact', async () => {
		const directory = tempDir();
		const first = journal({ directory });
		const a = await first.create(record('a'));
		await first.close();
		const leftover = join(directory, 'journal.log.compact-0a1b2c3d4e5f');
		writeFileSync(leftover, 'half a compaction');
		expect(await journal({ directory }).get(SCOPE, 'a')).toEqual(a);
		expect(readdirSync(directory).filter((name) => name.includes('.compact-'))).toEqual([]);
	});
});

describe('retention: collectGarbage deletes finished records past retainUntil, for good', () => {
	it('keeps unfinished records and finished ones still retained; the deletion survives a restart', async () => {
		const directory = tempDir();
		const now = 1_000_000;
		const j = journal({ directory });
		const write = async (operation: string, state: JournalRecord['state'], retainUntil: number) => {
			const created = await j.create(record(operation, { retainUntil }));
			if (state === 'pending') return created;
			const next = advance(created, state);
			expect(await j.compareAndSet(next)).toBe(true);
			return next;
		};
		await write('done-expired', 'succeeded', now - 1);
		await write('failed-at-now', 'failed', now);
		const retained = await write('done-retained', 'succeeded', now + 1);
		const unknown = await write('unknown-expired', 'unknown', now - 1);
		const pending = await write('pending-expired', 'pending', now - 1);

		expect(await j.collectGarbage(now)).toBe(2);
		expect(await j.collectGarbage(now)).toBe(0);
		await j.close();

		const reopened = journal({ directory });
		expect(await reopened.get(SCOPE, 'done-expired')).toBeUndefined();
		expect(await reopened.get(SCOPE, 'failed-at-now')).toBeUndefined();
		expect(await reopened.get(SCOPE, 'done-retained')).toEqual(retained);
		expect(await reopened.listUnfinished(SCOPE)).toEqual([unknown, pending]);
		// A collected operation can start afresh under a new key.
		const again = await reopened.create(record('done-expired', { key: 'a-new-key' }));
		expect(again.key).toBe('a-new-key');
	});
});

describe('close', () => {
	it('a write issued before close() lands: close waits for it rather than failing it as "closed"', async () => {
		// The CLI closes its journal as soon as a Ctrl-C'd request returns; the "unknown" write that request issued on
		// its way out was dropped, leaving the record `inflight` (a send in progress that nobody is making).
		const directory = tempDir();
		const j = new FileJournal({ directory });
		const a = await j.create(record('a'));
		const next = advance(a, 'unknown');
		const written = j.compareAndSet(next);
		const created = j.create(record('b'));
		await j.close();

		await expect(written).resolves.toBe(true);
		await expect(created).resolves.toMatchObject({ operation: 'b' });
		const reopened = journal({ directory });
		expect(await reopened.get(SCOPE, 'a')).toEqual(next);
		await expect(j.get(SCOPE, 'a')).rejects.toThrow(/closed/);
	});

	it('a write issued before close() on a journal never opened also lands', async () => {
		const directory = tempDir();
		const j = new FileJournal({ directory });
		const created = j.create(record('a'));
		await j.close();

		await expect(created).resolves.toMatchObject({ operation: 'a' });
		expect(await journal({ directory }).get(SCOPE, 'a')).toMatchObject({ operation: 'a' });
	});
});
