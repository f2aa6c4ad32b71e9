import * as z from 'zod/mini';
import { InvalidRequestError } from '../errors/classes.js';
import { checkTimeout } from '../operation/call-options.js';

// Shape checks only for what would otherwise fail late and obscurely; objects (journal, dialect) are duck-typed.
// Strict: a misspelt option (ky's `prefixUrl`, `baseURL`, `header`) would otherwise be dropped without a word, and the
// client would run without the base URL, the headers or the retry budget its author meant to give it.
const ClientOptionsSchema = z.strictObject({
	// Checked where they are used: resolveDialect, checkTimeout and mergeHeaders say more than a schema would.
	dialect: z.optional(z.unknown()),
	timeout: z.optional(z.unknown()),
	headers: z.optional(z.unknown()),
	baseUrl: z.optional(z.union([z.string(), z.instanceof(URL)])),
	scope: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
	journalHeaders: z.optional(z.array(z.string())),
	searchParams: z.optional(
		z.union([
			z.instanceof(URLSearchParams),
			z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
		]),
	),
	storeBodies: z.optional(z.boolean()),
	maxStoredBodyBytes: z.optional(z.number().check(z.int(), z.minimum(0))),
	maxResponseBytes: z.optional(z.number().check(z.int(), z.minimum(0))),
	keepFinishedMs: z.optional(z.number().check(z.minimum(0))),
	retry: z.optional(
		z.custom<object>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), {
			message: 'retry must be an object such as { limit: 3 }',
		}),
	),
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

/** Throws InvalidRequestError naming the first bad client option (`field`: the option's name). */
export function assertClientOptions(options: unknown): void {
	if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) {
		throw new InvalidRequestError('The client options must be an object, as in createClient({ baseUrl }).', {
			field: 'options',
		});
	}
	// By hand, so that the client's timeout and a call's are refused alike (NaN, 0, negative, Infinity, fractions).
	checkTimeout((options as { timeout?: unknown } | undefined)?.timeout);
	const result = ClientOptionsSchema.safeParse(options ?? {});
	if (result.success) return;
	const issue = result.error.issues[0];
	const path = issue?.path.join('.');
	throw new InvalidRequestError(`Invalid client option${path ? ` "${path}"` : 's'}: ${explain(issue)}.`, {
		field: String(issue?.path[0] ?? 'options'),
		cause: result.error,
	});
}

/** zod/mini says only "Invalid input": say what was expected instead. */
function explain(issue: z.core.$ZodIssue | undefined): string {
	if (!issue) return 'invalid value';
	if (issue.message !== 'Invalid input') return issue.message;
	switch (issue.code) {
		case 'invalid_type':
			return `expected ${issue.expected}`;
		case 'too_small':
			return `must be at least ${String(issue.minimum)}`;
		case 'too_big':
			return `must be at most ${String(issue.maximum)}`;
		case 'unrecognized_keys':
			return `unknown option ${issue.keys.map((key) => `"${key}"`).join(', ')} (misspelt?)`;
		default:
			return 'invalid value';
	}
}
