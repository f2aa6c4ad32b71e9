import * as z from 'zod/mini';
import { InvalidRequestError } from '../../errors/classes.js';

const isFunction = (v: unknown) => typeof v === 'function';

const OptionsSchema = z.object({
	directory: z.string().check(z.minLength(1)),
	durability: z.optional(z.enum(['every-write', 'before-send'])),
	groupCommitMs: z.optional(z.number().check(z.minimum(0), z.maximum(60_000))),
	compactAfterBytes: z.optional(z.number().check(z.int(), z.minimum(1))),
	staleLockMs: z.optional(z.number().check(z.minimum(1))),
	onWarning: z.optional(z.custom<(...args: unknown[]) => unknown>(isFunction)),
	fs: z.optional(z.custom<object>((v) => typeof v === 'object' && v !== null)),
});

/** Fails at construction, with the option named, rather than at the first write. */
export function checkOptions(options: unknown): void {
	const result = OptionsSchema.safeParse(options);
	if (result.success) return;
	const issue = result.error.issues[0];
	const path = issue?.path.join('.') || 'options';
	throw new InvalidRequestError(
		`Invalid FileJournal option "${path}": ${issue?.message ?? 'invalid value'}. Pass { directory: 'path/to/journal' } and optional settings.`,
		{ field: 'options', cause: result.error },
	);
}
