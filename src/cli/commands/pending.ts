import { createClient } from '../../client/create.js';
import { isFinished, type JournalRecord } from '../../journal/record.js';
import { count } from '../../utils/plural.js';
import { commandArgs } from '../args.js';
import { CliError } from '../cli-error.js';
import { JOURNAL_FLAGS, JOURNAL_HELP, MAX_TIME_FLAG, MAX_TIME_HELP, scopeFlag } from '../client-flags.js';
import { EXIT_CODES } from '../exit-codes.js';
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
import { printable } from '../printable.js';
import { alignColumns } from '../table.js';
import { formatAge } from '../time.js';

export const pendingHelp = `Usage: idemkey pending [options]
       idemkey pending <OP>... [options]

Lists the unfinished operations of a scope, oldest first: requests that were interrupted
(crash, Ctrl-C, timeout) or whose outcome is unknown. Finish them with "idemkey resume",
or settle one by hand with "idemkey abandon" or "idemkey resolve".

With operation ids, shows those operations whatever their state, with a SETTLED column
saying which were abandoned or resolved by hand (and why); exits 12 if one is not in the
journal. A journal directory that does not exist exits 12 too (not "no unfinished
operations"): a mistyped --journal must not look like nothing is stuck.

A SET-ASIDE column appears when a listed operation was set aside after repeated
interruptions (its process kept dying mid-request): "resume --all" skips it; "idemkey
inspect OP" shows its attempts. With --json, each record also carries its attempt
history, lease, interruptions and set-aside time.

States: pending (recorded, nothing sent), inflight (sent, no answer recorded: the process
stopped mid-request), unknown (sent, retries ran out without a definite answer),
succeeded, failed.

Options:
${JOURNAL_HELP}
${MAX_TIME_HELP}
  --json                print a JSON array instead of a table
  -h, --help            show this help`;

const FLAGS = { json: { type: 'boolean' }, ...JOURNAL_FLAGS, ...MAX_TIME_FLAG } as const;

const COLUMNS = ['OPERATION', 'METHOD', 'PATH', 'STATE', 'ATTEMPTS', 'KEY', 'AGE'] as const;

/** `abandoned by hand: <reason>`, `resolved by hand`, or `-` for an operation no one settled by hand. */
export function settledText(record: JournalRecord): string {
	const byHand = record.outcome?.byHand;
	if (!byHand) return '-';
	const what = `${byHand.action === 'abandon' ? 'abandoned' : 'resolved'} by hand`;
	return byHand.reason ? `${what}: ${byHand.reason.replace(/\s+/g, ' ')}` : what;
}

/** `5m ago`, or `-` for an operation never set aside. */
const asideText = (record: JournalRecord, now: number) =>
	record.setAsideAt === undefined ? '-' : `${formatAge(now - record.setAsideAt)} ago`;

/**
The table; a SET-ASIDE column only when a listed operation was set aside (what "resume --all" skips), a SETTLED one
when operations were named (they may be settled by hand).
*/
function table(records: readonly JournalRecord[], now: number, withSettled: boolean): string {
	const withAside = records.some((r) => r.setAsideAt !== undefined);
	const columns = [...COLUMNS, ...(withAside ? ['SET-ASIDE'] : []), ...(withSettled ? ['SETTLED'] : [])];
	const rows = records.map((r) =>
		[
			r.operation,
			r.method,
			r.path,
			r.state,
			String(r.attemptsStarted),
			r.key ?? '-',
			formatAge(now - r.createdAt),
			...(withAside ? [asideText(r, now)] : []),
			...(withSettled ? [settledText(r)] : []),
		].map(printable),
	);
	return alignColumns([columns, ...rows]);
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
		byHand: r.outcome?.byHand ?? null,
		// Absent from records written before leases and histories: 0, null or [] rather than left out, so a
		// script reads one shape.
		interruptions: r.interruptions ?? 0,
		setAsideAt: r.setAsideAt ?? null,
		lease: r.lease ?? null,
		history: r.history ?? [],
	}));

/** `idemkey pending`: what a restart would have to resume. */
export async function pendingCommand(argv: readonly string[], io: CliIo): Promise<number> {
	try {
		const args = commandArgs('pending', argv, FLAGS, pendingHelp, io);
		if (!args) return EXIT_CODES.ok;
		const { values, positionals: operations } = args;
		const scope = scopeFlag(values.scope);
		const directory = journalDirectory(values.journal, io);
		const bounds = journalWaitBounds(io, values['max-time']);
		if (!(await journalExists(directory))) throw noJournal(directory, 'nothing was ever journaled there');
		let missing: string[] = [];
		const records = await withJournal(io, directory, async (journal) => {
			if (operations.length === 0) return createClient({ journal, scope }).pending(bounds);
			const found = await Promise.all(operations.map((op) => readOperation(journal, scope, op, bounds)));
			missing = operations.filter((_, i) => found[i] === undefined);
			return found.filter((r) => r !== undefined);
		});
		const now = Date.now();
		if (values.json) line(io.stdout, JSON.stringify(asJson(records, now), null, 2));
		else if (records.length > 0) {
			line(io.stdout, table(records, now, operations.length > 0));
			const aside = records.filter((r) => r.setAsideAt !== undefined && !isFinished(r.state)).length;
			if (aside > 0) {
				say(
					io.stderr,
					`idemkey: ${count(aside, 'operation was', 'operations were')} set aside after repeated interruptions: "resume --all" skips them; "idemkey inspect OP" shows their attempts.`,
				);
			}
		} else if (operations.length === 0) {
			say(io.stderr, `idemkey: no unfinished operations in scope "${scope}" (${directory}).`);
		}
		if (missing.length > 0) {
			throw new CliError(
				`No operation ${missing.map((op) => `"${op}"`).join(', ')} in scope "${scope}" (${directory}).`,
				EXIT_CODES.not_found,
			);
		}
		return EXIT_CODES.ok;
	} catch (error) {
		return reportFailure(io, error, io.signal?.aborted === true);
	}
}
