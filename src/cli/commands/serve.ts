import { resolve } from 'node:path';
import type { DialectState } from '../../testing/dialect-state.js';
import { createEmulator } from '../../testing/emulator.js';
import { normaliseBasePath } from '../../testing/server/base-path.js';
import { count } from '../../utils/plural.js';
import { commandArgs, intFlag } from '../args.js';
import { CliError, usageError } from '../cli-error.js';
import { DIALECT_NAMES, dialectFlag } from '../client-flags.js';
import { EXIT_CODES } from '../exit-codes.js';
import { type CliIo, line, say } from '../io.js';
import { reportFailure } from '../output.js';
import { FAULTS_HELP, parseFaults } from '../serve/faults.js';

export const serveHelp = `Usage: idemkey serve --dialect NAME [options]

Runs the dialect emulator as a standalone HTTP server for your integration tests: a small
booking API (POST bookings, POST bookings/{id}/cancel, ...) that stores answers per
Idempotency-Key and behaves like the chosen API's server (replay headers, in-progress and
key-reuse answers, key retention), with optional seeded faults. Prints its base URL
(http://127.0.0.1:PORT/v1/ by default) on stdout, then serves until SIGINT/SIGTERM and prints
a summary (requests, effects, duplicates) on stderr. Keep it on loopback: it is a test server.

Options:
  --dialect NAME        ${DIALECT_NAMES.join(' | ')} (required)
  --port N              TCP port; 0 picks a free one (default: 0)
  --host ADDR           interface to listen on (default: 127.0.0.1)
  --base-path PATH      URL path the API lives under, as in PATH/bookings (default: /v1/)
  --cors                let pages on other origins call it: answers preflights, allows the
                        dialect's key header and Content-Type, exposes the replay header
  --state FILE          keep bookings, stored keys and effect counts in FILE across restarts:
                        a restarted server replays the keys its predecessor stored, and the
                        summary counts duplicates over every run (default: memory only)
${FAULTS_HELP}
  --seed N              seed of the fault draws: same seed, same faults in arrival order
                        (default: 1)
  -h, --help            show this help

Example:
  idemkey serve --dialect stripe --port 4010 --faults chaos --seed 7 --state stripe.json &
  idemkey request POST http://127.0.0.1:4010/v1/bookings --dialect stripe --json '{"classId":"c7"}'`;

const FLAGS = {
	dialect: { type: 'string' },
	port: { type: 'string' },
	host: { type: 'string' },
	'base-path': { type: 'string' },
	cors: { type: 'boolean' },
	state: { type: 'string' },
	faults: { type: 'string' },
	seed: { type: 'string' },
} as const;

function basePathFlag(value: string | undefined): string {
	try {
		return normaliseBasePath(value ?? '/v1/');
	} catch {
		throw usageError(`--base-path "${value}" is not a URL path such as /v1/ or /.`);
	}
}

/** `idemkey serve`: the emulator until the process is told to stop. */
export async function serveCommand(argv: readonly string[], io: CliIo): Promise<number> {
	try {
		const args = commandArgs('serve', argv, FLAGS, serveHelp, io);
		if (!args) return EXIT_CODES.ok;
		const { values, positionals } = args;
		if (positionals.length > 0) throw usageError(`serve takes no arguments, got "${positionals[0]}".`);
		if (values.dialect === undefined)
			throw usageError(`serve needs --dialect (${DIALECT_NAMES.join(', ')}).`);
		const dialect = dialectFlag(values.dialect);
		const port = intFlag('port', values.port, 0, 65_535) ?? 0;
		const seed = intFlag('seed', values.seed, 0, 2 ** 32 - 1);
		const faults = values.faults === undefined ? undefined : parseFaults(values.faults);
		const host = values.host ?? '127.0.0.1';
		const basePath = basePathFlag(values['base-path']);
		const stateFile = values.state === undefined ? undefined : resolve(io.cwd ?? process.cwd(), values.state);
		let emulator: Awaited<ReturnType<typeof createEmulator>>;
		try {
			emulator = await createEmulator({
				dialect,
				port,
				host,
				basePath,
				cors: values.cors === true,
				...(stateFile === undefined ? {} : { stateFile }),
				...(faults ? { faults } : {}),
				...(seed === undefined ? {} : { seed }),
			});
		} catch (error) {
			const { code, syscall } = error as NodeJS.ErrnoException;
			if (stateFile !== undefined && syscall !== 'listen') {
				throw new CliError(`--state ${values.state}: ${(error as Error).message}`, EXIT_CODES.usage, {
					cause: error,
				});
			}
			throw new CliError(
				`cannot listen on ${host}:${port} (${code ?? (error as Error).message}).`,
				code === 'EADDRINUSE' || code === 'EADDRNOTAVAIL' || code === 'EACCES'
					? EXIT_CODES.usage
					: EXIT_CODES.internal,
				{ cause: error },
			);
		}
		const earlierEffects = emulator.state.effectCount;
		line(io.stdout, emulator.url);
		await stopped(io.signal);
		await emulator.close();
		say(io.stderr, `idemkey: ${summary(emulator.state, earlierEffects, values.state)}`);
		return EXIT_CODES.ok;
	} catch (error) {
		return reportFailure(io, error);
	}
}

/**
What this run did; with a state file, also the totals over every run that used it, where a duplicate across a
restart shows up (each run alone would claim none).
*/
function summary(state: DialectState, earlierEffects: number, stateFile: string | undefined): string {
	const served = `served ${count(state.requests.length, 'request')}`;
	const duplicated = `${state.duplicates().length} duplicated`;
	if (stateFile === undefined) return `${served}: ${count(state.effectCount, 'effect')}, ${duplicated}.`;
	const thisRun = count(state.effectCount - earlierEffects, 'effect');
	return `${served}: ${thisRun}; with earlier runs (${stateFile}): ${count(state.effectCount, 'effect')}, ${duplicated}.`;
}

/** Resolves when `signal` aborts; without one (a caller other than main.ts), on the process's SIGINT or SIGTERM. */
function stopped(signal: AbortSignal | undefined): Promise<void> {
	if (signal) {
		return signal.aborted
			? Promise.resolve()
			: new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
	}
	return new Promise((resolve) => {
		const done = () => {
			process.off('SIGINT', done);
			process.off('SIGTERM', done);
			resolve();
		};
		process.once('SIGINT', done);
		process.once('SIGTERM', done);
	});
}
