// docs/agent-tools.md: the booking tool for the OpenAI Agents SDK.
import { Agent, type RunContext, tool } from '@openai/agents';
import { idempotentTool } from 'idemkey/agent';
import { api, BookingInput, book, journal } from './agent-tool.js';

/** What the app passes as the run's context: the conversation the run belongs to. */
export type Conversation = { conversationId: string };

export const bookClass = tool({
	name: 'book_class',
	description: 'Book a class for a client',
	parameters: BookingInput,
	execute: idempotentTool(book, {
		name: 'book_class',
		journal,
		scope: api.scope,
		keyBy: 'intent',
		// The SDK passes (input, runContext, details): the conversation id comes from the run's own context.
		runId: (call) => (call.context[0] as RunContext<Conversation>).context.conversationId,
	}),
});

export const booker = new Agent<Conversation>({
	name: 'booker',
	instructions: 'Book classes for clients. If a booking could not be confirmed, say so; never book twice.',
	tools: [bookClass],
});
