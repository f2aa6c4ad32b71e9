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

export async function openJournal(directory: string): Promise<CliJournal> {
	return { journal: new MemoryJournal(), directory, close: async () => {} };
}
