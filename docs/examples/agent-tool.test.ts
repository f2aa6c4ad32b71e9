import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { type Model, Runner, setTracingDisabled, Usage } from '@openai/agents';
import { generateText, stepCountIs } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';
import { expect, it } from 'vitest';
import { bookClass, bookClassInChat } from './agent-tool.js';
import { bookingServer, bookOverMcp } from './agent-tool-mcp.js';
import { booker } from './agent-tool-openai.js';
import { mockApi } from './mock-api.js';

const serve = mockApi();
const args = { clientId: 'u42', classId: 'c7' };
const usage = {
	inputTokens: { total: 1, noCache: 1, cacheRead: undefined, cacheWrite: undefined },
	outputTokens: { total: 1, text: 1, reasoning: undefined },
};
/** A scripted model: each entry is a tool call id (a call with `args`) or a final text. */
const scripted = (...turns: string[]) =>
	new MockLanguageModelV4({
		doGenerate: turns.map((turn) =>
			turn.startsWith('call_')
				? {
						content: [
							{ type: 'tool-call', toolCallId: turn, toolName: 'bookClass', input: JSON.stringify(args) },
						],
						finishReason: { unified: 'tool-calls', raw: undefined },
						usage,
						warnings: [],
					}
				: {
						content: [{ type: 'text', text: turn }],
						finishReason: { unified: 'stop', raw: undefined },
						usage,
						warnings: [],
					},
		),
	});

it('AI SDK: the same tool call run again (a replayed step) books once', async () => {
	const state = serve();
	const run = () =>
		generateText({
			model: scripted('call_1', 'Booked.'),
			tools: { bookClass },
			prompt: 'Book',
			stopWhen: stepCountIs(3),
		});
	await run();
	await run();
	expect(state.effectCount).toBe(1);
});

it('AI SDK: keyed by intent, a re-planned call (new id, same input) in one chat books once', async () => {
	const state = serve();
	await generateText({
		model: scripted('call_1', 'call_2', 'Booked.'),
		tools: { bookClass: bookClassInChat('chat-1') },
		prompt: 'Book',
		stopWhen: stepCountIs(4),
	});
	expect(state.effectCount).toBe(1);
});

it('OpenAI Agents SDK: a re-planned call in one conversation books once', async () => {
	setTracingDisabled(true);
	const state = serve();
	let turn = 0;
	const model: Model = {
		async getResponse() {
			const callId = ['call_1', 'call_2'][turn++];
			const output = callId
				? [
						{
							type: 'function_call',
							callId,
							name: 'book_class',
							arguments: JSON.stringify(args),
							status: 'completed',
						},
					]
				: [
						{
							type: 'message',
							role: 'assistant',
							status: 'completed',
							content: [{ type: 'output_text', text: 'Booked.' }],
						},
					];
			return { usage: new Usage(), output } as Awaited<ReturnType<Model['getResponse']>>;
		},
		getStreamedResponse: () => {
			throw new Error('not streamed');
		},
	};
	await new Runner({ model }).run(booker, 'Book c7 for u42', { context: { conversationId: 'conv-1' } });
	expect(state.effectCount).toBe(1);
});

it('MCP: the same order booked twice over MCP (a retry with the same key) books once', async () => {
	const state = serve();
	const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
	const server = bookingServer();
	const client = new Client({ name: 'agent', version: '1.0.0' });
	await server.connect(serverSide);
	await client.connect(clientSide);
	const first = await bookOverMcp(client, args, '7');
	const again = await bookOverMcp(client, args, '7');
	expect(again.structuredContent).toEqual(first.structuredContent);
	expect(state.effectCount).toBe(1);
	await client.close();
	await server.close();
});
