import type { ExitCode } from './exit-codes.js';
import { EXIT_CODES } from './exit-codes.js';

/** A problem with what the user typed or pointed at: printed as one line, never with a stack. */
export class CliError extends Error {
	override name = 'CliError';
	constructor(
		message: string,
		readonly exitCode: ExitCode,
		options?: { cause?: unknown },
	) {
		super(message, options);
	}
}

export const usageError = (message: string, cause?: unknown): CliError =>
	new CliError(message, EXIT_CODES.usage, { cause });
