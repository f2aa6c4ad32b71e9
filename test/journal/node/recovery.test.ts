import { appendFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { JournalError } from '../../../src/errors/classes.js';
import type { JournalRecord } from '../../../src/journal/record.js';
import { FileJournal, type FileJournalWarning } from '../../../src/node.js';
import { frame, lineAt, logBytes, logPath, logSize, putMeta, record, SCOPE } from './support.js';
import { tempDir } from './temp-dirs.js';

const open: FileJournal[] = [];
const journal = (directory: string, onWarning?: (w: FileJournalWarning) => void): FileJournal => {
	const j = new FileJournal({ directory, ...(onWarning ? { onWarning } : {}) });
	open.push(j);
	return j;
};
afterEach(async () => {
	for (const j of open.splice(0)) await j.close();
});

/** A journal directory holding `operations`, one frame each, and the log size after each frame. */
async function seeded(
	operations: string[],
): Promise<{ directory: string; records: JournalRecord[]; ends: number[] }> {
	const directory = tempDir();
	const writer = new FileJournal({ directory });
	const records: JournalRecord[] = [];
	const ends: number[] = [];
	for (const operation of operations) {
		records.push(await writer.create(record(operation)));
		ends.push(logSize(directory));
	}
	await writer.close();
	return { directory, records, ends };
}

const failure = (promise: Promise<unknown>): Promise<JournalError> =>
	promise.then(
		() => {
			throw new Error('expected a JournalError');
		},
		(error: unknown) => {
			expect(error).toBeInstanceOf(JournalError);
			return error as JournalError;
		},
	);

describe('a torn last write (a crash mid-write) is skipped and reported, never fatal', () => {
	const torn = (whole: Buffer) => ({
		'cut short': whole.subarray(0, whole.length - 7),
		'zero-filled by a power cut': Buffer.concat([whole.subarray(0, 20), Buffer.alloc(whole.length - 20)]),
		'only a partial header': whole.subarray(0, 5),
	});

	it.each(['cut short', 'zero-filled by a power cut', 'only a partial header'] as const)(
		'the tail %s is cut off and reported; earlier records and later writes survive',
		async (kind) => {
			const { directory, records, ends } = await seeded(['a', 'b']);
			const lost = record('c');
			const tail = torn(frame([putMeta(lost)], [lost]))[kind];
			appendFileSync(logPath(directory), tail);

			const warnings: FileJournalWarning[] = [];
			const reopened = journal(directory, (w) => warnings.push(w));
			expect(await reopened.get(SCOPE, 'a')).toEqual(records[0]);
			expect(await reopened.get(SCOPE, 'b')).toEqual(records[1]);
			expect(await reopened.get(SCOPE, 'c')).toBeUndefined();

			expect(warnings).toEqual([
				expect.objectContaining({
					code: 'torn-write',
					file: logPath(directory),
					offset: ends[1],
					bytes: tail.length,
				}),
			]);
			expect(warnings[0]?.message).toContain(`byte offset ${ends[1]}`);
			expect(reopened.warnings).toEqual(warnings);
			// The skipped bytes are kept for inspection (mode 0600: they may hold request data), and cut off the log.
			const savedTo = warnings[0]?.savedTo as string;
			expect(readFileSync(savedTo).equals(tail)).toBe(true);
			expect(statSync(savedTo).mode & 0o777).toBe(0o600);
			expect(logSize(directory)).toBe(ends[1]);

			// New frames follow the whole ones, so a later process reads everything without a warning.
			const again = record('c', { key: 'key-c-again' });
			await reopened.create(again);
			await reopened.close();
			const later: FileJournalWarning[] = [];
			const third = journal(directory, (w) => later.push(w));
			expect(await third.listUnfinished(SCOPE)).toEqual([...records, again]);
			expect(later).toEqual([]);
		},
	);

	it('a crash while creating the file (a partial header) starts a fresh journal with a warning', async () => {
		const directory = tempDir();
		writeFileSync(logPath(directory), 'idemkey-jou');
		const warnings: FileJournalWarning[] = [];
		const j = journal(directory, (w) => warnings.push(w));
		const created = await j.create(record('a'));
		expect(warnings.map((w) => [w.code, w.offset, w.bytes])).toEqual([['torn-write', 0, 11]]);
		await j.close();
		expect(await journal(directory).get(SCOPE, 'a')).toEqual(created);
	});
});

describe('damage before the end of the log is an error naming the file and the place, and drops nothing', () => {
	it('a record changed in the middle fails its checksum: JournalError with file, line and byte offset', async () => {
		const { directory, records, ends } = await seeded(['a', 'b', 'c']);
		const intact = logBytes(directory);
		const damaged = Buffer.from(intact);
		const start = ends[0] as number;
		const inside = (ends[1] as number) - 5;
		damaged[inside] = (damaged[inside] as number) ^ 0x01;
		writeFileSync(logPath(directory), damaged);

		const j = journal(directory);
		const error = await failure(j.get(SCOPE, 'a'));
		expect(error.code).toBe('journal');
		expect(error.message).toContain(logPath(directory));
		expect(error.message).toContain(`line ${lineAt(damaged, start)} (byte offset ${start})`);
		expect(error.message).toMatch(/checksum/);
		expect(error.message).toMatch(/Restore the file from a backup/);

		// Nothing is cut off or overwritten while the file is damaged, whatever is asked of the journal.
		await failure(j.create(record('d')));
		await failure(j.listUnfinished(SCOPE));
		expect(logBytes(directory).equals(damaged)).toBe(true);

		// Once the file is restored, the same journal reads every record, the one after the damage included.
		writeFileSync(logPath(directory), intact);
		expect(await j.listUnfinished(SCOPE)).toEqual(records);
	});

	it('a frame from a newer idemkey (record version 2) asks for an upgrade and keeps the file as it is', async () => {
		const { directory, ends } = await seeded(['a']);
		const future = { ...record('b'), v: 2, extra: 'field' };
		appendFileSync(logPath(directory), frame([putMeta(record('b'), 2)], [future]));
		const before = logBytes(directory);

		const error = await failure(journal(directory).get(SCOPE, 'a'));
		expect(error.message).toContain(logPath(directory));
		expect(error.message).toContain(`(byte offset ${ends[0]})`);
		expect(error.message).toMatch(/version 2 record, written by a newer idemkey/);
		expect(error.message).toMatch(/Upgrade idemkey/);
		expect(logBytes(directory).equals(before)).toBe(true);
	});

	it('a log in a newer journal format asks for an upgrade', async () => {
		const directory = tempDir();
		const content = Buffer.from('idemkey-journal 2\nwhatever format 2 holds\n');
		writeFileSync(logPath(directory), content);
		const error = await failure(journal(directory).create(record('a')));
		expect(error.message).toContain(`${logPath(directory)} at line 1`);
		expect(error.message).toMatch(/journal format 2; this one reads format 1/);
		expect(error.message).toMatch(/Upgrade idemkey/);
		expect(logBytes(directory).equals(content)).toBe(true);
	});

	it('a file that is not a journal is refused, not overwritten', async () => {
		const directory = tempDir();
		writeFileSync(logPath(directory), 'my notes\n');
		const error = await failure(journal(directory).get(SCOPE, 'a'));
		expect(error.message).toMatch(/is not an idemkey journal/);
		expect(readFileSync(logPath(directory), 'utf8')).toBe('my notes\n');
	});
});

describe('records with missing fields', () => {
	it('a frame entry without its state and timestamps is an error naming the file and position', async () => {
		const { directory, ends } = await seeded(['a']);
		const r = record('b');
		appendFileSync(logPath(directory), frame([['p', SCOPE, 'b', 1]], [r]));
		const error = await failure(journal(directory).get(SCOPE, 'a'));
		expect(error.message).toContain(
			`${logPath(directory)} at line ${lineAt(logBytes(directory), ends[0] as number)}`,
		);
		expect(error.message).toMatch(/operation "b" has missing or mistyped fields/);
	});

	it('a stored record without its key and fingerprint fails on read, naming it; the other records stay readable', async () => {
		const { directory, records, ends } = await seeded(['a']);
		const { key: _key, fingerprint: _fingerprint, ...partial } = record('b');
		appendFileSync(logPath(directory), frame([putMeta(record('b'))], [partial]));
		const j = journal(directory);
		const error = await failure(j.get(SCOPE, 'b'));
		expect(error.message).toContain(logPath(directory));
		expect(error.message).toMatch(/the record of operation "b" is invalid \(key: .*fingerprint: /);
		const line = lineAt(logBytes(directory), ends[0] as number) + 1;
		expect(error.message).toContain(`line ${line}`);
		expect(await j.get(SCOPE, 'a')).toEqual(records[0]);
	});

	it('writing a record with missing fields is refused before anything reaches the file', async () => {
		const { directory } = await seeded(['a']);
		const size = logSize(directory);
		const { key: _key, ...partial } = record('b');
		const j = journal(directory);
		const error = await failure(j.create(partial as JournalRecord));
		expect(error.message).toMatch(/refused to write an invalid record \(key: /);
		expect(error.operation).toBe('b');
		expect(await j.get(SCOPE, 'b')).toBeUndefined();
		expect(logSize(directory)).toBe(size);
	});
});

describe('a log larger than one read (the scan goes a chunk at a time)', () => {
	const FRAMES = 120;
	const PER_FRAME = 50;

	/** A log of about 6 MiB, frames of 50 records of about 1 KB each: frames straddle every chunk boundary. */
	function bigLog(): { directory: string; records: JournalRecord[]; ends: number[] } {
		const directory = tempDir();
		const records: JournalRecord[] = [];
		const ends: number[] = [];
		const parts: Buffer[] = [Buffer.from('idemkey-journal 1\n')];
		let size = parts[0]?.length as number;
		for (let f = 0; f < FRAMES; f++) {
			const batch = Array.from({ length: PER_FRAME }, (_, i) =>
				record(`op-${f}-${i}`, { path: `/v1/${'x'.repeat(900)}`, createdAt: f * PER_FRAME + i }),
			);
			const bytes = frame(
				batch.map((r) => putMeta(r)),
				batch,
			);
			records.push(...batch);
			parts.push(bytes);
			size += bytes.length;
			ends.push(size);
		}
		writeFileSync(logPath(directory), Buffer.concat(parts));
		return { directory, records, ends };
	}

	it('reads every record, with a torn tail after them cut off and reported', async () => {
		const { directory, records, ends } = bigLog();
		expect(ends.at(-1)).toBeGreaterThan(5 * 1024 * 1024);
		const lost = record('lost');
		appendFileSync(logPath(directory), frame([putMeta(lost)], [lost]).subarray(0, 50));
		const warnings: FileJournalWarning[] = [];
		const j = journal(directory, (w) => warnings.push(w));
		expect(await j.listUnfinished(SCOPE)).toEqual(records);
		expect(warnings.map((w) => [w.code, w.offset, w.bytes])).toEqual([['torn-write', ends.at(-1), 50]]);
		expect(logSize(directory)).toBe(ends.at(-1));
	});

	it('damage in the first frames of a large log is an error at its place, not a torn tail', async () => {
		const { directory, ends } = bigLog();
		const damaged = logBytes(directory);
		const at = (ends[1] as number) + 100;
		damaged[at] = (damaged[at] as number) ^ 0x01;
		writeFileSync(logPath(directory), damaged);
		const error = await failure(journal(directory).get(SCOPE, 'op-0-0'));
		expect(error.message).toContain(`(byte offset ${ends[1]})`);
		expect(error.message).toMatch(/checksum/);
		expect(logBytes(directory).equals(damaged)).toBe(true);
	});
});
