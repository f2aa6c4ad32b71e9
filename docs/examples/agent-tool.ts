// docs/agent-tools.md: one booking service used by agent tools of three frameworks (the AI SDK here; the OpenAI
// Agents SDK in agent-tool-openai.ts; MCP in agent-tool-mcp.ts).
import { tool } from 'ai';
import { createClient, MemoryJournal } from 'idemkey';
import { idempotentTool } from 'idemkey/agent';
import * as z from 'zod';

export const api = createClient({
	baseUrl: 'https://api.example.com/v1/',
	dialect: 'bardge',
	journal: new MemoryJournal(), // FileJournal (idemkey/node) or a shared journal in production
	scope: 'tenant-7',
	headers: { authorization: `Bearer ${process.env.API_TOKEN}` },
});

/** Where tool calls are recorded; durable in production, so a re-run after a restart is answered from it. */
export const journal = new MemoryJournal();

export const BookingInput = z.object({ clientId: z.string(), classId: z.string() });
export type BookingInput = z.infer<typeof BookingInput>;

/** The effect itself: one POST, under the operation and key the tool wrapper hands over. */
export const book = async (
	input: BookingInput,
	{ operation, key, signal }: { operation: string; key: string; signal: AbortSignal },
) =>
	(await api.post<{ id: string; status: string }>('bookings', { json: input, operation, key, signal })).data;

/**
AI SDK: one booking per tool call id, however often the SDK (or a workflow) runs the call. Written inline, the tool
function's input is typed from `inputSchema`.
*/
export const bookClass = tool({
	description: 'Book a class for a client',
	inputSchema: z.object({ clientId: z.string(), classId: z.string() }),
	execute: idempotentTool(
		async (input, { operation, key, signal }) =>
			(await api.post('bookings', { json: input, operation, key, signal })).data,
		{ name: 'book-class', journal },
	),
});

/**
AI SDK, keyed by intent: a re-planned call (new call id, same input) in the same chat is the same booking. Define the
tool per chat request, where the chat id is known.
*/
export const bookClassInChat = (chatId: string) =>
	tool({
		description: 'Book a class for a client',
		inputSchema: BookingInput,
		execute: idempotentTool(book, {
			name: 'book-class',
			journal,
			scope: api.scope,
			keyBy: 'intent',
			runId: chatId,
			secret: process.env.TOOL_KEY_SECRET ?? 'dev secret, 16+ bytes',
		}),
	});
