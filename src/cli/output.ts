import { isIdempotencyError } from '../errors/base.js';
import type { IdemResult } from '../types/result.js';
import { CliError } from './cli-error.js';
import { EXIT_CODES, type ExitCode, exitCodeOf } from './exit-codes.js';
import { type CliIo, line, say } from './io.js';
import { printable } from './printable.js';

/** A response body on stdout: text as it came, JSON re-serialised, nothing for an empty body. */
export function writeBody(io: CliIo, data: unknown): void {
	if (data === undefined) return;
	const text = typeof data === 'string' ? data : JSON.stringify(data);
	io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

const replayedText = (result: IdemResult) =>
	result.fromJournal ? 'journal' : result.replayed === undefined ? 'unknown' : String(result.replayed);

/** `201 key=... operation=... attempts=2 replayed=false`: one line a script can split on spaces. */
export const statusLine = (result: IdemResult): string =>
	`${result.status} key=${result.key ?? '-'} operation=${result.operation} attempts=${result.attempts} replayed=${replayedText(result)}`;

// What a user of the command (rather than of the library) does next.
const NEXT_STEP: Partial<Record<string, string>> = {
	outcome_unknown: 'Rerun the same command (or "idemkey resume OP") to finish it under the same key.',
	in_progress: 'Rerun the same command later (or "idemkey resume OP").',
	not_sent: 'Check the URL and the network, then rerun the same command.',
	key_expired: 'Check with the server whether it was applied before sending it again under a new --op.',
};

/**
The library's messages name its options; a command's user knows its flags. Only the names are rewritten, so the
library keeps one wording and the command says what its user can change.
*/
const FLAG_OF_OPTION: readonly (readonly [string, string])[] = [['retry.maxRetryTime', '--max-time']];

/** A library message in the command's words. */
export const inCliWords = (message: string): string =>
	FLAG_OF_OPTION.reduce((text, [option, flag]) => text.replaceAll(option, flag), message);

const bodyOf = (error: unknown): unknown =>
	error !== null && typeof error === 'object' && 'body' in error ? error.body : undefined;

/**
Prints a failure as one line on stderr (the server's answer body, if any, on stdout as for a success) and returns
the exit code. Anything that is neither a CLI nor an idemkey error is a bug: exit 1, with the stack only when
IDEMKEY_DEBUG is set.
*/
export function reportFailure(io: CliIo, error: unknown, interrupted = false): ExitCode {
	if (error instanceof CliError) {
		say(io.stderr, `idemkey: ${inCliWords(error.message)}`);
		return error.exitCode;
	}
	if (isIdempotencyError(error)) {
		writeBody(io, bodyOf(error));
		const next = NEXT_STEP[error.code];
		say(io.stderr, `idemkey: ${error.code}: ${inCliWords(error.message)}${next ? ` ${next}` : ''}`);
		if (interrupted && (error.code === 'outcome_unknown' || error.code === 'in_progress')) {
			return EXIT_CODES.interrupted;
		}
		return exitCodeOf(error.code);
	}
	if (interrupted) {
		line(io.stderr, 'idemkey: interrupted before anything was sent.');
		return EXIT_CODES.interrupted;
	}
	const debug = (io.env ?? process.env).IDEMKEY_DEBUG;
	const detail = debug && error instanceof Error ? (error.stack ?? error.message) : printable(String(error));
	line(io.stderr, `idemkey: internal error: ${detail}${debug ? '' : ' (set IDEMKEY_DEBUG=1 for details)'}`);
	return EXIT_CODES.internal;
}
