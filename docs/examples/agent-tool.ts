// docs/recipes/ai-agent-tools.md: a tool whose framework may run the same tool call more than once.
import { createClient, deriveKey, isIdempotencyError, MemoryJournal } from 'idemkey';

const api = createClient({
	baseUrl: 'https://api.example.com/v1/',
	dialect: 'bardge',
	journal: new MemoryJournal(),
	scope: 'tenant-7',
	headers: { authorization: `Bearer ${process.env.API_TOKEN}` },
});

/** What most frameworks hand a tool's `execute` besides its arguments. */
export type ToolContext = { toolCallId: string; abortSignal?: AbortSignal };

/** What the model reads back: never an exception, always a statement it can act on. */
export type ToolOutcome =
	| { ok: true; result: unknown; alreadyDone: boolean }
	| { ok: false; error: string; message: string; retrySameCall: boolean };

/** Runs `call` as one operation per tool call: a retried tool call reuses the key, even in another process. */
export async function idempotentTool(
	ctx: ToolContext,
	call: (ids: { operation: string; key: string; signal?: AbortSignal }) => Promise<{
		data: unknown;
		replayed: boolean | undefined;
	}>,
): Promise<ToolOutcome> {
	const ids = {
		operation: `tool:${ctx.toolCallId}`,
		// Derived, not minted: a retry that lands on another worker (with its own journal) sends the same key.
		key: deriveKey(ctx.toolCallId, api.scope),
		...(ctx.abortSignal ? { signal: ctx.abortSignal } : {}),
	};
	try {
		const res = await call(ids);
		return { ok: true, result: res.data, alreadyDone: res.replayed === true };
	} catch (error) {
		if (!isIdempotencyError(error)) throw error;
		const retrySameCall = error.code === 'outcome_unknown' || error.code === 'in_progress';
		return { ok: false, error: error.code, message: error.message, retrySameCall };
	}
}

/** The tool itself: book a class. */
export const bookClass = (args: { clientId: string; classId: string }, ctx: ToolContext) =>
	idempotentTool(ctx, (ids) => api.post('bookings', { json: args, ...ids }));
