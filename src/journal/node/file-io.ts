import type { FileJournalFs } from './options.js';

/** Reads up to `buf.length` bytes at `position`; fewer only at the end of the file. */
export function readFully(fs: FileJournalFs, fd: number, buf: Buffer, position: number): number {
	let done = 0;
	while (done < buf.length) {
		const n = fs.readSync(fd, buf, done, buf.length - done, position + done);
		if (n === 0) break;
		done += n;
	}
	return done;
}

/** Writes all of `buf` at `position` (a short write is continued; an error is thrown). */
export function writeFully(fs: FileJournalFs, fd: number, buf: Uint8Array, position: number): void {
	let done = 0;
	while (done < buf.length) done += fs.writeSync(fd, buf, done, buf.length - done, position + done);
}

export const fdatasync = (fs: FileJournalFs, fd: number): Promise<void> =>
	new Promise((resolve, reject) => fs.fdatasync(fd, (error) => (error ? reject(error) : resolve())));

export const fsync = (fs: FileJournalFs, fd: number): Promise<void> =>
	new Promise((resolve, reject) => fs.fsync(fd, (error) => (error ? reject(error) : resolve())));

/** Makes a file's creation, renaming or removal in `directory` durable. Windows cannot open a directory for that. */
export async function syncDirectory(fs: FileJournalFs, directory: string): Promise<void> {
	if (process.platform === 'win32') return;
	const fd = fs.openSync(directory, 'r');
	try {
		await fsync(fs, fd);
	} finally {
		fs.closeSync(fd);
	}
}
