import { stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { Journal } from '../journal/journal.js';
import { FileJournal } from '../journal/node/file-journal.js';
import type { JournalRecord } from '../journal/record.js';
import { journalIo } from '../operation/journal-io.js';
import { DEFAULT_RETRY } from '../retry/policy.js';
import { CliError } from './cli-error.js';
import { maxTimeFlag } from './client-flags.js';
import { EXIT_CODES } from './exit-codes.js';
import { type CliIo, say, signalOption } from './io.js';

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

/**
A command that reads a journal which does not exist says so, rather than "no unfinished operations": a mistyped
--journal (or a cron job's other working directory) must not read as "nothing is stuck".
*/
export const noJournal = (directory: string, what: string) =>
	new CliError(
		`No journal at ${directory}; ${what}. Check --journal or $IDEMKEY_JOURNAL (the first request that writes to a journal creates it).`,
		EXIT_CODES.not_found,
	);

/**
The bounds of a command that only waits for the journal (another process may hold its lock): Ctrl-C and
`--max-time` end the wait as they end a request. Checks `--max-time` (a usage error) when called.
*/
export const journalWaitBounds = (
	io: CliIo,
	maxTime: string | undefined,
): { signal?: AbortSignal; retry?: { maxRetryTime: number } } => ({
	...signalOption(io),
	...maxTimeFlag(maxTime),
});

/**
One record as the command's journal holds it, read within the command's bounds: Ctrl-C and `--max-time` end a wait
for the journal lock another process holds (a JournalError naming the deadline, or the signal's reason).
*/
export function readOperation(
	journal: Journal,
	scope: string,
	operation: string,
	bound: { signal?: AbortSignal | undefined; retry?: { maxRetryTime?: number | undefined } | undefined },
): Promise<JournalRecord | undefined> {
	const maxTime = bound.retry?.maxRetryTime ?? DEFAULT_RETRY.maxRetryTime;
	return journalIo(
		`read operation "${operation}"`,
		{ key: undefined, operation },
		{ signal: bound.signal, deadline: Date.now() + maxTime, now: Date.now, beforeSend: true },
		(options) => journal.get(scope, operation, options),
	);
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
Runs `use` on the FileJournal at `directory` and closes it whatever happened (a failed close is reported, not
thrown). The journal opens lazily: a bad directory fails the first journal call with a JournalError. With `collect`,
finished records past their retention are dropped afterwards, so a journal used only from the command stays small.
*/
export async function withJournal<T>(
	io: CliIo,
	directory: string,
	use: (journal: Journal) => Promise<T>,
	options: { collect?: boolean } = {},
): Promise<T> {
	const journal = new FileJournal({
		directory,
		onWarning: (warning) => say(io.stderr, `idemkey: warning: ${warning.message}`),
	});
	try {
		const result = await use(journal);
		if (options.collect) await journal.collectGarbage(Date.now()).catch(() => {});
		return result;
	} finally {
		await journal.close().catch((error: unknown) => {
			say(io.stderr, `idemkey: warning: closing the journal ${directory} failed: ${message(error)}`);
		});
	}
}
