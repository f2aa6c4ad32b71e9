import { createClient, type IdemClient } from '../../client/create.js';
import { isIdempotencyError } from '../../errors/base.js';
import type { ResumeReport } from '../../types/recovery.js';
import type { IdemResult } from '../../types/result.js';
import { count } from '../../utils/plural.js';
import { commandArgs, intFlag } from '../args.js';
import { CliError, usageError } from '../cli-error.js';
import {
	JOURNAL_FLAGS,
	JOURNAL_HELP,
	SEND_FLAGS,
	SEND_HELP,
	scopeFlag,
	sendOptions,
} from '../client-flags.js';
import { EXIT_CODE_HELP, EXIT_CODES, exitCodeOf } from '../exit-codes.js';
import { type CliIo, line, say, signalOption } from '../io.js';
import {
	journalDirectory,
	journalExists,
	journalWaitBounds,
	noJournal,
	readOperation,
	withJournal,
} from '../journal.js';
import { reportFailure, statusLine, writeBody } from '../output.js';
import { originFlag, rebasedFetch } from '../request/rebase.js';

export const resumeHelp = `Usage: idemkey resume <OP> [options]
       idemkey resume --all [options]

Finishes interrupted operations (see "idemkey pending"): resends each journaled request with
its original Idempotency-Key and the same bytes, so the server applies it at most once. A
finished operation is answered from the journal. An interrupted operation whose key outlived
the server's retention is not resent (exit 8): check with the server first.

The journal keeps neither the dialect nor secret headers: pass the same --dialect as the
original request, and Authorization/Cookie/API-key headers again with --header.

Options:
  --all                 resume every unfinished operation of the scope, oldest first
  --concurrency N       operations resumed at once with --all (default: 4)
  --force               resume <OP> although it was set aside (interrupted too often) or another
                        process's lease on it still runs: only when you know that process is gone
  --base-url ORIGIN     send to this scheme://host[:port] instead of the journaled one
                        (paths are kept; the operations stay the same)
${SEND_HELP}
${JOURNAL_HELP}
  -h, --help            show this help

Output: for one operation, like "idemkey request" (body on stdout, status line on stderr).
With --all, one line per operation on stdout:
  ok <op> 201 key=<key> operation=<op> attempts=<n> replayed=...
  failed <op> exit=<code> <error code>: <message>
and the exit code is 0 when all succeeded, else that of the first failure.

${EXIT_CODE_HELP}`;

const FLAGS = {
	all: { type: 'boolean' },
	force: { type: 'boolean' },
	concurrency: { type: 'string' },
	'base-url': { type: 'string' },
	...SEND_FLAGS,
	...JOURNAL_FLAGS,
} as const;

const failureCode = (error: unknown) =>
	isIdempotencyError(error) ? exitCodeOf(error.code) : EXIT_CODES.internal;

function reportAll(io: CliIo, reports: readonly ResumeReport[]): number {
	let exit: number = EXIT_CODES.ok;
	for (const report of reports) {
		if (report.ok) {
			say(io.stdout, `ok ${report.operation} ${statusLine(report.result as IdemResult)}`);
			continue;
		}
		const code = failureCode(report.error);
		if (exit === EXIT_CODES.ok) exit = code;
		const what = isIdempotencyError(report.error)
			? `${report.error.code}: ${report.error.message}`
			: `internal error: ${String(report.error)}`;
		say(io.stdout, `failed ${report.operation} exit=${code} ${what}`);
	}
	const failed = reports.filter((r) => !r.ok).length;
	line(
		io.stderr,
		`idemkey: resumed ${reports.length - failed} of ${count(reports.length, 'operation')}; ${failed} failed.`,
	);
	return exit;
}

async function resumeOne(
	io: CliIo,
	client: IdemClient,
	operation: string,
	bounds: ReturnType<typeof journalWaitBounds>,
	force: boolean,
): Promise<number> {
	if (!(await readOperation(client.journal, client.scope, operation, bounds))) {
		throw new CliError(
			`No operation "${operation}" in scope "${client.scope}" of this journal; "idemkey pending" lists them.`,
			EXIT_CODES.not_found,
		);
	}
	const result = await client.resume(operation, { ...signalOption(io), ...(force ? { force } : {}) });
	writeBody(io, result.data);
	say(io.stderr, `idemkey: ${statusLine(result)}`);
	return EXIT_CODES.ok;
}

/** `idemkey resume`: finish what a crash, a timeout or Ctrl-C left unfinished, under the same keys. */
export async function resumeCommand(argv: readonly string[], io: CliIo): Promise<number> {
	try {
		const args = commandArgs('resume', argv, FLAGS, resumeHelp, io);
		if (!args) return EXIT_CODES.ok;
		const { values, positionals } = args;
		const [operation, ...extra] = positionals;
		if (values.all ? operation !== undefined : operation === undefined || extra.length > 0) {
			throw usageError('resume takes one operation id or --all, as in: idemkey resume <OP>');
		}
		const concurrency = intFlag('concurrency', values.concurrency, 1, 256);
		if (concurrency !== undefined && !values.all) throw usageError('--concurrency goes with --all.');
		if (values.force && values.all) throw usageError('--force goes with one operation, not --all.');
		const origin = values['base-url'] === undefined ? undefined : originFlag(values['base-url']);
		const send = sendOptions(values);
		const bounds = journalWaitBounds(io, values['max-time']);
		const scope = scopeFlag(values.scope);
		const directory = journalDirectory(values.journal, io);
		if (!(await journalExists(directory))) throw noJournal(directory, 'nothing to resume');
		return await withJournal(
			io,
			directory,
			async (journal) => {
				const client = createClient({
					...send,
					journal,
					scope,
					...(origin ? { fetch: rebasedFetch(origin) } : {}),
				});
				if (operation !== undefined) return resumeOne(io, client, operation, bounds, values.force === true);
				const reports = await client.resumeAll({
					...(concurrency === undefined ? {} : { concurrency }),
					...signalOption(io),
				});
				return reportAll(io, reports);
			},
			{ collect: true },
		);
	} catch (error) {
		return reportFailure(io, error, io.signal?.aborted === true);
	}
}
