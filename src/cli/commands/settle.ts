import { createClient, type IdemClient } from '../../client/create.js';
import { isInProgressError } from '../../errors/guards.js';
import type { JournalRecord } from '../../journal/record.js';
import { count } from '../../utils/plural.js';
import { commandArgs, intFlag } from '../args.js';
import { CliError, usageError } from '../cli-error.js';
import { JOURNAL_FLAGS, JOURNAL_HELP, MAX_TIME_FLAG, MAX_TIME_HELP, scopeFlag } from '../client-flags.js';
import { EXIT_CODE_HELP, EXIT_CODES } from '../exit-codes.js';
import { type CliIo, say } from '../io.js';
import {
	journalDirectory,
	journalExists,
	journalWaitBounds,
	readOperation,
	withJournal,
} from '../journal.js';
import { reportFailure } from '../output.js';
import { readBody } from '../request/body.js';

const REFUSALS = `Refused (nothing written): an operation with an attempt recorded in flight (state
inflight: another process may be sending it right now) exits 5 unless --force; a finished
operation exits 2; an operation the journal does not hold exits 12.`;

const COMMON_HELP = `  --reason TEXT         why, kept in the journal (at most 1000 characters); shown by
                        "idemkey pending OP" and on the error later runs raise
  --force               settle it although an attempt is recorded in flight: only when
                        you know the process that started it is gone
${JOURNAL_HELP}
${MAX_TIME_HELP}
  -h, --help            show this help`;

export const abandonHelp = `Usage: idemkey abandon <OP> [options]

Gives up on an unfinished operation (see "idemkey pending"), for example one stuck in
"unknown" after a request to the wrong port. Nothing is sent. It is journaled as failed:
"pending" and "resume --all" stop offering it, and a later request or resume of it exits
14 without sending anything. Its outcome stays unknown: check with the server first, and if
it was applied, record that with "idemkey resolve" instead. Abandoning it again is a no-op.

${REFUSALS}

Options:
${COMMON_HELP}

${EXIT_CODE_HELP}`;

export const resolveHelp = `Usage: idemkey resolve <OP> [options]

Records the outcome you found for an unfinished operation (the booking exists, the charge
went through): journaled as succeeded, so "pending" and "resume --all" stop offering it and
a later request or resume of it prints this answer from the journal without sending
anything. Nothing is sent now. Resolving it again with the same answer is a no-op.

${REFUSALS}

Options:
  --status N            the 2xx status the server would have answered (default: 200)
  --json JSON           the response body to answer with: JSON text, @file, or - for stdin
                        (default: none)
${COMMON_HELP}

${EXIT_CODE_HELP}`;

const COMMON_FLAGS = {
	reason: { type: 'string' },
	force: { type: 'boolean' },
	...JOURNAL_FLAGS,
	...MAX_TIME_FLAG,
} as const;
const RESOLVE_FLAGS = { status: { type: 'string' }, json: { type: 'string' }, ...COMMON_FLAGS } as const;

type Action = 'abandon' | 'resolve';

/** `state after N attempt(s)`: what the operation looked like before it was settled. */
const before = (record: JournalRecord) =>
	`was ${record.state} after ${count(record.attemptsStarted, 'attempt')}`;

/** What `abandon` or `resolve` was asked to do, read and checked before the journal is opened. */
type SettleRequest = {
	action: Action;
	operation: string;
	scope: string;
	directory: string;
	bounds: ReturnType<typeof journalWaitBounds>;
	reason: string | undefined;
	force: boolean;
	/** `resolve` only: the status and data the operation is recorded as having answered. */
	status: number | undefined;
	data: unknown;
};

async function settle(
	action: Action,
	argv: readonly string[],
	io: CliIo,
	help: string,
	flags: typeof COMMON_FLAGS | typeof RESOLVE_FLAGS,
): Promise<number> {
	const request = await readSettleRequest(action, argv, io, help, flags);
	if (!request) return EXIT_CODES.ok;
	const { operation, scope, directory, bounds } = request;
	const missing = () =>
		new CliError(
			`No operation "${operation}" in scope "${scope}" of the journal ${directory}; "idemkey pending" lists them.`,
			EXIT_CODES.not_found,
		);
	if (!(await journalExists(directory))) throw missing();
	return withJournal(io, directory, async (journal) => {
		const client = createClient({ journal, scope });
		const found = await readOperation(journal, scope, operation, bounds);
		if (!found) throw missing();
		const record = await settleWith(client, request);
		const done = record.revision === found.revision;
		const what = action === 'abandon' ? 'abandoned' : `resolved as ${record.outcome?.status ?? ''}`.trim();
		say(
			io.stderr,
			done
				? `idemkey: ${operation} was already ${what}; nothing changed.`
				: `idemkey: ${what} ${operation} (${before(found)}); "idemkey pending ${operation}" shows it.`,
		);
		return EXIT_CODES.ok;
	});
}

/** The command line, checked; `undefined` when it asked for help (printed already). */
async function readSettleRequest(
	action: Action,
	argv: readonly string[],
	io: CliIo,
	help: string,
	flags: typeof COMMON_FLAGS | typeof RESOLVE_FLAGS,
): Promise<SettleRequest | undefined> {
	const args = commandArgs(action, argv, flags, help, io);
	if (!args) return undefined;
	const values = args.values as Record<string, string | boolean | undefined>;
	const [operation, ...extra] = args.positionals;
	if (operation === undefined || extra.length > 0) {
		throw usageError(`${action} takes one operation id, as in: idemkey ${action} <OP>`);
	}
	// Read before the journal is opened: a bad flag or an unreadable file changes nothing.
	const status =
		action === 'resolve' ? intFlag('status', values.status as string | undefined, 200, 299) : undefined;
	const body =
		action === 'resolve' ? await readBody({ json: values.json as string | undefined }, io) : undefined;
	return {
		action,
		operation,
		reason: values.reason as string | undefined,
		force: values.force === true,
		status,
		data: body?.kind === 'json' ? body.value : undefined,
		scope: scopeFlag(values.scope as string | undefined),
		bounds: journalWaitBounds(io, values['max-time'] as string | undefined),
		directory: journalDirectory(values.journal as string | undefined, io),
	};
}

async function settleWith(client: IdemClient, request: SettleRequest): Promise<JournalRecord> {
	const { action, operation, reason, force, status, data } = request;
	const options = {
		...(reason === undefined ? {} : { reason }),
		...(force ? { force } : {}),
		...request.bounds,
	};
	try {
		return action === 'abandon'
			? await client.abandon(operation, options)
			: await client.resolve(operation, {
					...options,
					...(status === undefined ? {} : { status }),
					...(data === undefined ? {} : { data }),
				});
	} catch (error) {
		// The library's advice ("force: true") is the command's --force; "rerun later" alone would not help.
		if (isInProgressError(error)) throw new CliError(error.message, EXIT_CODES.in_progress, { cause: error });
		throw error;
	}
}

/** `idemkey abandon`: give up on a stuck operation, journaled. */
export async function abandonCommand(argv: readonly string[], io: CliIo): Promise<number> {
	try {
		return await settle('abandon', argv, io, abandonHelp, COMMON_FLAGS);
	} catch (error) {
		return reportFailure(io, error, io.signal?.aborted === true);
	}
}

/** `idemkey resolve`: record the outcome found for a stuck operation, journaled. */
export async function resolveCommand(argv: readonly string[], io: CliIo): Promise<number> {
	try {
		return await settle('resolve', argv, io, resolveHelp, RESOLVE_FLAGS);
	} catch (error) {
		return reportFailure(io, error, io.signal?.aborted === true);
	}
}
