import { createClient } from '../../client/create.js';
import type { JournalRecord } from '../../journal/record.js';
import { commandArgs } from '../args.js';
import { usageError } from '../cli-error.js';
import { JOURNAL_FLAGS, JOURNAL_HELP, scopeFlag } from '../client-flags.js';
import { EXIT_CODES } from '../exit-codes.js';
import { type CliIo, line } from '../io.js';
import { journalDirectory, journalExists, withJournal } from '../journal.js';
import { reportFailure } from '../output.js';

export const pendingHelp = `Usage: idemkey pending [options]

Lists the unfinished operations of a scope, oldest first: requests that were interrupted
(crash, Ctrl-C, timeout) or whose outcome is unknown. Finish them with "idemkey resume".

States: pending (recorded, nothing sent), inflight (sent, no answer recorded: the process
stopped mid-request), unknown (sent, retries ran out without a definite answer).

Options:
${JOURNAL_HELP}
  --json                print a JSON array instead of a table
  -h, --help            show this help`;

const FLAGS = { json: { type: 'boolean' }, ...JOURNAL_FLAGS } as const;

/** "42s", "5m", "3h", "2d": how long ago an operation started. */
export function formatAge(ms: number): string {
	const s = Math.max(0, Math.floor(ms / 1000));
	if (s < 60) return `${s}s`;
	if (s < 3600) return `${Math.floor(s / 60)}m`;
	if (s < 86_400) return `${Math.floor(s / 3600)}h`;
	return `${Math.floor(s / 86_400)}d`;
}

const COLUMNS = ['OPERATION', 'METHOD', 'PATH', 'STATE', 'ATTEMPTS', 'KEY', 'AGE'] as const;

function table(records: readonly JournalRecord[], now: number): string {
	const rows = records.map((r) => [
		r.operation,
		r.method,
		r.path,
		r.state,
		String(r.attemptsStarted),
		r.key ?? '-',
		formatAge(now - r.createdAt),
	]);
	const widths = COLUMNS.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]?.length ?? 0)));
	return [COLUMNS, ...rows]
		.map((row) =>
			row
				.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
				.join('  ')
				.trimEnd(),
		)
		.join('\n');
}

const asJson = (records: readonly JournalRecord[], now: number) =>
	records.map((r) => ({
		operation: r.operation,
		method: r.method,
		path: r.path,
		url: r.request?.url ?? null,
		state: r.state,
		attempts: r.attemptsStarted,
		key: r.key,
		createdAt: r.createdAt,
		updatedAt: r.updatedAt,
		ageMs: now - r.createdAt,
		keyExpiresAt: r.expiresAt,
	}));

/** `idemkey pending`: what a restart would have to resume. */
export async function pendingCommand(argv: readonly string[], io: CliIo): Promise<number> {
	try {
		const args = commandArgs('pending', argv, FLAGS, pendingHelp, io);
		if (!args) return EXIT_CODES.ok;
		const { values, positionals } = args;
		if (positionals.length > 0) throw usageError(`pending takes no arguments, got "${positionals[0]}".`);
		const scope = scopeFlag(values.scope);
		const directory = journalDirectory(values.journal, io);
		let records: readonly JournalRecord[] = [];
		if (await journalExists(directory)) {
			records = await withJournal(io, directory, (journal) => createClient({ journal, scope }).pending());
		}
		const now = Date.now();
		if (values.json) line(io.stdout, JSON.stringify(asJson(records, now), null, 2));
		else if (records.length > 0) line(io.stdout, table(records, now));
		else line(io.stderr, `idemkey: no unfinished operations in scope "${scope}" (${directory}).`);
		return EXIT_CODES.ok;
	} catch (error) {
		return reportFailure(io, error);
	}
}
