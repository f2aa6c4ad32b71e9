import { stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { Journal } from '../journal/journal.js';
import { MemoryJournal } from '../journal/memory.js';
import type { CliIo } from './io.js';

/** The journal a command works on, and how to release it. */
export type CliJournal = {
	readonly journal: Journal;
	readonly directory: string;
	close(): Promise<void>;
};

/** `--journal`, else `$IDEMKEY_JOURNAL`, else `.idemkey` in the working directory; relative paths from there too. */
export function journalDirectory(flag: string | undefined, io: CliIo): string {
	const cwd = io.cwd ?? process.cwd();
	const chosen = flag ?? (io.env ?? process.env).IDEMKEY_JOURNAL ?? '.idemkey';
	return isAbsolute(chosen) ? chosen : resolve(cwd, chosen);
}

/**
Whether a journal directory may hold records: commands that only read must not create one as a side effect. Anything
but "does not exist" (a file in the way, no permission) is left for the journal to report.
*/
export async function journalExists(directory: string): Promise<boolean> {
	try {
		await stat(directory);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code !== 'ENOENT';
	}
}

export async function openJournal(directory: string): Promise<CliJournal> {
	return { journal: new MemoryJournal(), directory, close: async () => {} };
}

/** Opens the journal, runs `use`, and closes it whatever happened (a failed close is reported, not thrown). */
export async function withJournal<T>(
	io: CliIo,
	directory: string,
	use: (journal: Journal) => Promise<T>,
): Promise<T> {
	const opened = await openJournal(directory);
	try {
		return await use(opened.journal);
	} finally {
		await opened.close().catch((error: unknown) => {
			io.stderr.write(
				`idemkey: warning: closing the journal ${directory} failed: ${(error as Error)?.message ?? String(error)}\n`,
			);
		});
	}
}
