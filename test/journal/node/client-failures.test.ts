import * as nodeFs from 'node:fs';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../../../src/client/create.js';
import { JournalError } from '../../../src/errors/classes.js';
import { FileJournal, type FileJournalFs } from '../../../src/node.js';
import { type LoopbackServer, sendJson, startServer } from '../../helpers/loopback-server.js';
import { frame, logPath, logSize, putMeta, record } from './support.js';
import { tempDir } from './temp-dirs.js';

let server: LoopbackServer;
const journals: FileJournal[] = [];
afterEach(async () => {
	for (const j of journals.splice(0)) await j.close();
	await server?.close();
});

async function clientOn(options: ConstructorParameters<typeof FileJournal>[0]) {
	server = await startServer((_req, res) => sendJson(res, 201, { id: `b${server.received.length}` }));
	const journal = new FileJournal(options);
	journals.push(journal);
	const api = createClient({ baseUrl: server.url, journal, scope: 'shop', retry: { limit: 0 } });
	const book = (operation: string) => api.post('bookings', { json: { seat: operation }, operation });
	return { api, journal, book };
}

const failure = async (promise: Promise<unknown>): Promise<JournalError> => {
	const error = await promise.then(
		() => undefined,
		(e: unknown) => e,
	);
	expect(error).toBeInstanceOf(JournalError);
	return error as JournalError;
};

/** node:fs whose every open fails with `code`, as on a directory this process may not write to. */
const failingOpen = (code: string): FileJournalFs => ({
	...nodeFs,
	openSync: () => {
		throw Object.assign(new Error(`${code}: simulated`), { code });
	},
});

describe('when the journal cannot record the claim, nothing is sent and the error says what to fix', () => {
	it('a journal directory under a regular file', async () => {
		const file = join(tempDir(), 'not-a-directory');
		writeFileSync(file, '');
		const { book } = await clientOn({ directory: join(file, 'journal') });
		const error = await failure(book('a'));
		expect(error.message).toContain(join(file, 'journal'));
		expect(error.message).toMatch(/a part of the path is a file, not a directory: choose another directory/);
		expect(error.message).toMatch(/Nothing was sent/);
		expect(server.received).toHaveLength(0);
	});

	it('a file where the journal directory should be', async () => {
		const directory = join(tempDir(), 'journal');
		writeFileSync(directory, 'something else');
		const { book } = await clientOn({ directory });
		const error = await failure(book('a'));
		expect(error.message).toMatch(/a file stands where the journal directory should be/);
		expect(server.received).toHaveLength(0);
	});

	it('a directory the process may not write to (EACCES even for root, injected)', async () => {
		const directory = tempDir();
		const { book } = await clientOn({ directory, fs: failingOpen('EACCES') });
		const error = await failure(book('a'));
		expect(error.message).toMatch(
			/permission denied: make the directory and its files readable and writable/,
		);
		expect(server.received).toHaveLength(0);
	});

	it('a full disk: refused while full, nothing half-written, and the same operation goes through once space is freed', async () => {
		const directory = tempDir();
		// The disk fills up in the middle of a write: half of it lands, then ENOSPC.
		let full = false;
		let landed = false;
		const fs: FileJournalFs = {
			...nodeFs,
			writeSync: ((fd: number, buffer: Uint8Array, offset: number, length: number, position: number) => {
				// Lock files are written without a position: only the log's writes go through here.
				if (typeof position !== 'number') return nodeFs.writeSync(fd, buffer as never);
				if (full && landed) throw Object.assign(new Error('ENOSPC: simulated'), { code: 'ENOSPC' });
				if (!full) return nodeFs.writeSync(fd, buffer, offset, length, position);
				landed = true;
				return nodeFs.writeSync(fd, buffer, offset, Math.ceil(length / 2), position);
			}) as FileJournalFs['writeSync'],
		};
		const { book, journal } = await clientOn({ directory, fs });
		await book('before');
		expect(server.received).toHaveLength(1);
		const size = logSize(directory);

		full = true;
		const error = await failure(book('during'));
		expect(error.message).toContain(logPath(directory));
		expect(error.message).toMatch(/ENOSPC, the disk is full: free some space/);
		expect(server.received).toHaveLength(1);
		expect(landed).toBe(true);
		expect(logSize(directory)).toBe(size);

		full = false;
		const res = await book('during');
		expect(res.status).toBe(201);
		expect(server.received).toHaveLength(2);
		await journal.close();
		const reread = new FileJournal({ directory });
		journals.push(reread);
		expect((await reread.get('shop', 'during'))?.state).toBe('succeeded');
	});

	it('a failing fsync (the disk reports an I/O error)', async () => {
		const directory = tempDir();
		let broken = false;
		const fs: FileJournalFs = {
			...nodeFs,
			fdatasync: ((fd: number, callback: nodeFs.NoParamCallback) =>
				broken
					? callback(Object.assign(new Error('EIO: simulated'), { code: 'EIO' }))
					: nodeFs.fdatasync(fd, callback)) as FileJournalFs['fdatasync'],
		};
		const { book } = await clientOn({ directory, fs });
		await book('before');
		broken = true;
		const error = await failure(book('during'));
		expect(error.message).toMatch(
			/could not flush the journal file to disk .*EIO, the disk reported an I\/O error/,
		);
		expect(server.received).toHaveLength(1);
	});

	it('a journal written by a newer idemkey', async () => {
		const directory = tempDir();
		writeFileSync(logPath(directory), 'idemkey-journal 1\n');
		const future = record('a');
		nodeFs.appendFileSync(logPath(directory), frame([putMeta(future, 2)], [{ ...future, v: 2 }]));
		const { book } = await clientOn({ directory });
		const error = await failure(book('b'));
		expect(error.message).toMatch(/Upgrade idemkey/);
		expect(server.received).toHaveLength(0);
	});

	it('a half-written journal (torn last write) is not an error: the call goes through', async () => {
		const directory = tempDir();
		writeFileSync(logPath(directory), 'idemkey-journal 1\n');
		const torn = record('a');
		nodeFs.appendFileSync(logPath(directory), frame([putMeta(torn)], [torn]).subarray(0, 30));
		const { book, journal } = await clientOn({ directory });
		expect((await book('b')).status).toBe(201);
		expect(server.received).toHaveLength(1);
		expect(journal.warnings.map((w) => w.code)).toEqual(['torn-write']);
	});
});
