import { JournalError } from '../../errors/classes.js';

const ADVICE: Record<string, string> = {
	ENOSPC: 'the disk is full: free some space',
	EDQUOT: 'the disk quota is exhausted: free some space or raise the quota',
	EROFS: 'the file system is read-only: use a writable directory',
	EACCES: 'permission denied: make the directory and its files readable and writable by this user',
	EPERM: 'permission denied: make the directory and its files readable and writable by this user',
	ENOTDIR: 'a part of the path is a file, not a directory: choose another directory',
	EEXIST: 'a file stands where the journal directory should be: move it away or choose another directory',
	EISDIR: 'a directory stands where the journal expects a file: remove it',
	EIO: 'the disk reported an I/O error: check the disk, then retry',
	EMFILE: 'too many open files: raise the open-file limit or close some files',
	ENFILE: 'too many open files system-wide: close some files',
	ENAMETOOLONG: 'the path is too long: choose a shorter directory',
	ELOOP: 'the path has a symbolic-link loop: fix the links',
};

export const errorCode = (error: unknown): string | undefined =>
	typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : undefined;

/** A file-system failure as a JournalError that says what failed and what to do about it. */
export function ioFailure(what: string, path: string, error: unknown): JournalError {
	if (error instanceof JournalError) return error;
	const code = errorCode(error);
	const advice = (code && ADVICE[code]) ?? (error as Error)?.message ?? String(error);
	return new JournalError(
		`FileJournal could not ${what} (${path}): ${code ? `${code}, ` : ''}${advice}. Nothing was sent for the operations it was recording.`,
		{ cause: error },
	);
}

/** A journal file that cannot be read as it is: names the file and the place, and what to do. */
export function corruptFile(path: string, where: string, problem: string, fix: string): JournalError {
	return new JournalError(`FileJournal cannot read ${path} at ${where}: ${problem}. ${fix}`);
}

export const REPAIR_HINT =
	'No record was changed or dropped. Restore the file from a backup, or move it aside to start an empty journal (unfinished operations in it would then be re-run under new keys).';
