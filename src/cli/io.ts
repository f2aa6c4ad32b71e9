import { printable } from './printable.js';

/**
What a command talks to instead of `process`: tests run commands in-process with their own streams,
environment and working directory.
*/
export type CliIo = {
	readonly stdout: NodeJS.WritableStream;
	readonly stderr: NodeJS.WritableStream;
	/**
	Read by `--json -` and `--data -`.
	@default process.stdin
	*/
	readonly stdin?: NodeJS.ReadableStream;
	/**
	Environment (`IDEMKEY_JOURNAL`).
	@default process.env
	*/
	readonly env?: Readonly<Record<string, string | undefined>>;
	/**
	Directory that the default journal (`.idemkey`) and relative `@file` paths resolve against.
	@default process.cwd()
	*/
	readonly cwd?: string;
	/** Aborted on SIGINT/SIGTERM: a running request stops, leaving its operation resumable. */
	readonly signal?: AbortSignal;
};

/** The command's Ctrl-C as a call's `signal` option: a request, a resume or a journal wait ends with it. */
export const signalOption = (io: CliIo): { signal?: AbortSignal } => (io.signal ? { signal: io.signal } : {});

/** Writes one line to a stream (the newline is added). */
export const line = (stream: NodeJS.WritableStream, text: string): void => {
	stream.write(`${text}\n`);
};

/**
Writes one line of human-readable output holding text from outside (operation ids, keys, paths, messages): anything
a terminal would act on is shown escaped, so the line stays one line and the terminal is left alone.
*/
export const say = (stream: NodeJS.WritableStream, text: string): void => line(stream, printable(text));

/** Reads a whole stream into bytes. */
export async function readAll(stream: NodeJS.ReadableStream): Promise<Uint8Array> {
	const chunks: Uint8Array[] = [];
	for await (const chunk of stream) {
		chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Uint8Array));
	}
	return Buffer.concat(chunks);
}
