import { type ParseArgsConfig, parseArgs } from 'node:util';
import { usageError } from './cli-error.js';
import { type CliIo, line } from './io.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** `parseArgs` in strict mode, its errors turned into one-line usage errors that name the command. */
export function parseCommand<O extends Options>(command: string, argv: readonly string[], options: O) {
	try {
		return parseArgs({
			args: [...argv],
			options: { help: { type: 'boolean', short: 'h' }, ...options },
			allowPositionals: true,
			strict: true,
		});
	} catch (error) {
		const message = (error as Error).message.replace(/\. To specify a positional argument.*$/s, '.');
		throw usageError(`${command}: ${message} See "idemkey ${command} --help".`, error);
	}
}

/** {@link parseCommand}, and `--help`: prints `help` on stdout and returns `undefined` (the command exits 0). */
export function commandArgs<O extends Options>(
	command: string,
	argv: readonly string[],
	options: O,
	help: string,
	io: CliIo,
) {
	const parsed = parseCommand(command, argv, options);
	if (!(parsed.values as { help?: boolean }).help) return parsed;
	line(io.stdout, help);
	return undefined;
}

/** An integer flag within [min, max]; `undefined` when the flag is absent. */
export function intFlag(
	name: string,
	value: string | undefined,
	min: number,
	max = Number.MAX_SAFE_INTEGER,
): number | undefined {
	if (value === undefined) return undefined;
	const n = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
	if (!Number.isSafeInteger(n) || n < min || n > max) {
		throw usageError(`--${name} must be a whole number from ${min} to ${max}, got "${value}".`);
	}
	return n;
}
