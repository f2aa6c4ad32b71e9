import * as z from 'zod/mini';
import { InvalidRequestError } from '../errors/classes.js';

// Shape checks only for what would otherwise fail late and obscurely; objects (journal, dialect) are duck-typed.
const ClientOptionsSchema = z.object({
	baseUrl: z.optional(z.union([z.string(), z.instanceof(URL)])),
	scope: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
	timeout: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(2_147_483_647))),
	storeBodies: z.optional(z.boolean()),
	maxStoredBodyBytes: z.optional(z.number().check(z.int(), z.minimum(0))),
	keepFinishedMs: z.optional(z.number().check(z.minimum(0))),
	onEvent: z.optional(z.custom<(...args: unknown[]) => unknown>((v) => typeof v === 'function')),
	fetch: z.optional(z.custom<(...args: unknown[]) => unknown>((v) => typeof v === 'function')),
	onExpired: z.optional(z.custom<(...args: unknown[]) => unknown>((v) => typeof v === 'function')),
	journal: z.optional(
		z.custom<object>(
			(v) =>
				typeof v === 'object' &&
				v !== null &&
				['create', 'get', 'compareAndSet', 'listUnfinished', 'collectGarbage'].every(
					(m) => typeof (v as Record<string, unknown>)[m] === 'function',
				),
			{ message: 'journal must implement create, get, compareAndSet, listUnfinished and collectGarbage' },
		),
	),
});

export function assertClientOptions(options: unknown): void {
	const result = ClientOptionsSchema.safeParse(options ?? {});
	if (result.success) return;
	const issue = result.error.issues[0];
	const path = issue?.path.join('.') || 'options';
	throw new InvalidRequestError(`Invalid client option "${path}": ${issue?.message ?? 'invalid value'}.`, {
		field: 'options',
		cause: result.error,
	});
}
