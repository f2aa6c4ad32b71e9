import type { Journal } from '../../journal/journal.js';
import { commandArgs } from '../args.js';
import { CliError, usageError } from '../cli-error.js';
import { JOURNAL_FLAGS, JOURNAL_HELP, MAX_TIME_FLAG, MAX_TIME_HELP, scopeFlag } from '../client-flags.js';
import { EXIT_CODES } from '../exit-codes.js';
import { withoutCredentials } from '../inspect/redact.js';
import { renderRecord } from '../inspect/render.js';
import { timelineOf } from '../inspect/timeline.js';
import { type CliIo, line, say } from '../io.js';
import {
	journalDirectory,
	journalExists,
	journalWaitBounds,
	noJournal,
	readOperation,
	withJournal,
} from '../journal.js';
import { reportFailure } from '../output.js';

export const inspectHelp = `Usage: idemkey inspect <OP> [options]

Shows one operation's journal record, whatever its state, and its attempt timeline: what
an operator needs after an "outcome unknown" or a slow call. Nothing is sent and nothing
is written.

The record: state, key, request fingerprint, attempts started and concluded, the lease of
the attempt in flight (owner, fence, expiry) if any, interruptions (attempts whose process
died or lost its lease), when it was set aside after too many of them, and the outcome
(the answer, the error a rerun raises again, or who settled it by hand and why).

The timeline: one line per attempt the record keeps (the last few; none for records
written before histories): when it was claimed, how long into the operation, the wait
before it (backoff, Retry-After, in progress), what came back (HTTP status or error kind:
network, timeout, ...) and whether the server said it replayed a stored answer.

The journal never holds credentials (request headers are journaled from an allow-list);
should a record from elsewhere hold one, it is shown as [redacted].

Options:
  --json                print the record as stored, plus a computed "timeline" array
${JOURNAL_HELP}
${MAX_TIME_HELP}
  -h, --help            show this help

Exits 0 when the operation is in the journal, 12 when it or the journal is not there.`;

const FLAGS = { json: { type: 'boolean' }, ...JOURNAL_FLAGS, ...MAX_TIME_FLAG } as const;

/** The instant leases are compared on: the journal's clock when it has one (leases are stamped on it), else ours. */
const nowOf = async (journal: Journal, signal: AbortSignal | undefined): Promise<number> =>
	journal.now ? journal.now(signal ? { signal } : {}) : Date.now();

/** `idemkey inspect`: one operation's record and attempt timeline. */
export async function inspectCommand(argv: readonly string[], io: CliIo): Promise<number> {
	try {
		const args = commandArgs('inspect', argv, FLAGS, inspectHelp, io);
		if (!args) return EXIT_CODES.ok;
		const { values, positionals } = args;
		const [operation, ...extra] = positionals;
		if (operation === undefined || extra.length > 0) {
			throw usageError('inspect takes one operation id, as in: idemkey inspect <OP>');
		}
		const scope = scopeFlag(values.scope);
		const directory = journalDirectory(values.journal, io);
		const bounds = journalWaitBounds(io, values['max-time']);
		if (!(await journalExists(directory))) throw noJournal(directory, 'nothing was ever journaled there');
		const { stored, now } = await withJournal(io, directory, async (journal) => ({
			stored: await readOperation(journal, scope, operation, bounds),
			now: await nowOf(journal, bounds.signal),
		}));
		if (!stored) {
			throw new CliError(
				`No operation "${operation}" in scope "${scope}" (${directory}); "idemkey pending" lists the unfinished ones. Finished records are dropped after their retention.`,
				EXIT_CODES.not_found,
			);
		}
		const { record, redacted } = withoutCredentials(stored);
		if (values.json) line(io.stdout, JSON.stringify({ ...record, timeline: timelineOf(record) }, null, 2));
		else line(io.stdout, renderRecord(record, now));
		if (redacted.length > 0) {
			say(
				io.stderr,
				`idemkey: warning: the record holds what looks like credentials, shown as [redacted]: ${redacted.join(', ')}. idemkey never journals them: another program, an older version or a hand edit wrote it.`,
			);
		}
		return EXIT_CODES.ok;
	} catch (error) {
		return reportFailure(io, error, io.signal?.aborted === true);
	}
}
