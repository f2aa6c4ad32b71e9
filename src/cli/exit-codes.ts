import type { IdempotencyErrorCode } from '../errors/base.js';

// One row per outcome class: the constant and the --help table are both read off it.
const ROWS = [
	['ok', 0, 'ok: a 2xx answer (fresh, replayed by the server, or from the journal)'],
	['internal', 1, 'internal error (a bug in idemkey: please report it)'],
	['usage', 2, 'usage: unknown command or flag, bad argument, invalid JSON, bad header, unknown dialect'],
	['key_reused', 3, 'key reused: the operation or key already carried a different request'],
	['key_missing', 4, 'key missing: the server requires an Idempotency-Key'],
	['in_progress', 5, 'in progress: the server is still processing it; rerun later'],
	['outcome_unknown', 6, 'outcome unknown: may or may not have been applied; rerun the same command'],
	['rejected', 7, 'rejected: a definite 4xx (or 3xx) answer; not applied'],
	['key_expired', 8, 'key expired: interrupted and the server may have forgotten the key; reconcile first'],
	['journal', 9, 'journal: the journal directory is unusable; nothing was sent'],
	['response_invalid', 10, 'response invalid: a 2xx answer that did not match the expected shape'],
	['input_unreadable', 11, 'input unreadable: an @file or stdin body could not be read'],
	['not_found', 12, 'not found: no such operation in the journal, or no journal at that directory'],
	['demo_failed', 13, 'demo: an operation was applied twice or lost (a bug in idemkey: please report it)'],
	['abandoned', 14, 'abandoned: the operation was abandoned by hand ("idemkey abandon"); not sent again'],
	['not_sent', 15, 'not sent: the server could not be reached (refused, DNS, TLS); not applied; rerun'],
	['interrupted', 130, 'interrupted by SIGINT/SIGTERM before an answer; the operation stays resumable'],
] as const;

type Row = (typeof ROWS)[number];

/**
Exit status of every `idemkey` command, one per outcome class, so scripts can branch on `$?`.
Every non-2xx final answer ends in one of the error classes (a 4xx or an unfollowed 3xx is `rejected`,
5xx and network errors past the retry budget are `outcome_unknown`): there is no "non-2xx success".
*/
export const EXIT_CODES: { readonly [R in Row as R[0]]: R[1] } = Object.freeze(
	Object.fromEntries(ROWS.map(([name, code]) => [name, code])),
) as never;

export type ExitCodeName = Row[0];
export type ExitCode = Row[1];

const BY_ERROR_CODE: Record<IdempotencyErrorCode, ExitCode> = {
	key_reused: EXIT_CODES.key_reused,
	key_missing: EXIT_CODES.key_missing,
	in_progress: EXIT_CODES.in_progress,
	outcome_unknown: EXIT_CODES.outcome_unknown,
	not_sent: EXIT_CODES.not_sent,
	rejected: EXIT_CODES.rejected,
	key_expired: EXIT_CODES.key_expired,
	journal: EXIT_CODES.journal,
	invalid_request: EXIT_CODES.usage,
	response_invalid: EXIT_CODES.response_invalid,
	abandoned: EXIT_CODES.abandoned,
};

/** The exit code of an idemkey error code. */
export const exitCodeOf = (code: IdempotencyErrorCode): ExitCode => BY_ERROR_CODE[code];

/** The table printed in `--help`. */
export const EXIT_CODE_HELP = [
	'Exit codes:',
	...ROWS.map(([, code, text]) => `  ${String(code).padEnd(4)} ${text}`),
	'Every non-2xx final answer is one of 3-8: there is no non-2xx success.',
].join('\n');
