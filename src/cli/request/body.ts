import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { CliError, usageError } from '../cli-error.js';
import { EXIT_CODES } from '../exit-codes.js';
import { type CliIo, readAll } from '../io.js';

/** The body of a request: parsed JSON (`--json`), raw bytes (`--data`), or none. */
export type CliBody =
	| { readonly kind: 'json'; readonly value: unknown }
	| { readonly kind: 'bytes'; readonly value: Uint8Array }
	| { readonly kind: 'none' };

const unreadable = (flag: string, what: string, error: unknown) =>
	new CliError(
		`${flag}: cannot read ${what} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`,
		EXIT_CODES.input_unreadable,
		{ cause: error },
	);

/** `@file` (relative to the working directory), `-` (stdin) or the argument itself, as bytes. */
async function source(flag: string, arg: string, io: CliIo): Promise<{ bytes: Uint8Array; from: string }> {
	if (arg === '-') {
		try {
			return { bytes: await readAll(io.stdin ?? process.stdin), from: 'stdin' };
		} catch (error) {
			throw unreadable(flag, 'stdin', error);
		}
	}
	if (arg.startsWith('@')) {
		const file = arg.slice(1);
		if (file === '') throw usageError(`${flag} @ needs a file name, as in ${flag} @body.json.`);
		try {
			return { bytes: await readFile(resolve(io.cwd ?? process.cwd(), file)), from: file };
		} catch (error) {
			throw unreadable(flag, file, error);
		}
	}
	return { bytes: new TextEncoder().encode(arg), from: 'the argument' };
}

/** Reads `--json` or `--data` (at most one). */
export async function readBody(
	flags: { json?: string | undefined; data?: string | undefined },
	io: CliIo,
): Promise<CliBody> {
	if (flags.json !== undefined && flags.data !== undefined) {
		throw usageError('Pass either --json or --data, not both.');
	}
	if (flags.data !== undefined) {
		const { bytes } = await source('--data', flags.data, io);
		return { kind: 'bytes', value: bytes };
	}
	if (flags.json === undefined) return { kind: 'none' };
	const { bytes, from } = await source('--json', flags.json, io);
	const text = new TextDecoder().decode(bytes);
	try {
		return { kind: 'json', value: JSON.parse(text) };
	} catch (error) {
		throw usageError(`--json: ${from} is not valid JSON (${(error as Error).message}).`, error);
	}
}
