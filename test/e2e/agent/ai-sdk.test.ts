// The Vercel AI SDK (`ai`) running real generateText loops driven by its mock language model (`ai/test`): no network,
// no real model. The tool books a class on the emulator (real loopback HTTP) through the idemkey client, while faults
// lose answers. Each scenario also runs with a plain tool, to show the duplicate it would cause.
import { generateText, stepCountIs, tool } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';
import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { idempotentTool, type ToolFailureStatus } from '../../../src/agent/index.js';
import { MemoryJournal } from '../../../src/index.js';
import { type BookingApi, type BookingInput, bookingApi } from './booking-api.js';

const input: BookingInput = { clientId: 'u42', classId: 'c7' };
const usage = {
	inputTokens: { total: 1, noCache: 1, cacheRead: undefined, cacheWrite: undefined },
	outputTokens: { total: 1, text: 1, reasoning: undefined },
};
const callsTool = (toolCallId: string) => ({
	content: [{ type: 'tool-call' as const, toolCallId, toolName: 'bookClass', input: JSON.stringify(input) }],
	finishReason: { unified: 'tool-calls' as const, raw: undefined },
	usage,
	warnings: [],
});
const says = (text: string) => ({
	content: [{ type: 'text' as const, text }],
	finishReason: { unified: 'stop' as const, raw: undefined },
	usage,
	warnings: [],
});
// The first attempt is applied and its answer lost, the one retry the client makes is cut off: the outcome is unknown.
const LOST_ANSWER = ['drop-after-commit', 'drop-before'] as const;

let api: BookingApi | undefined;
afterEach(async () => {
	await api?.close();
	api = undefined;
});

type Variant = 'idempotentTool' | 'plain tool';

/** The booking tool, wrapped or not; counts how often the booking function really ran. */
function bookingTool(
	booking: BookingApi,
	variant: Variant,
	options: { keyBy?: 'call' | 'intent'; throwOn?: ToolFailureStatus[] } = {},
) {
	const runs = { count: 0 };
	const book = async (i: BookingInput, ids: { operation: string; key: string; signal: AbortSignal }) => {
		runs.count++;
		return booking.book(i, ids);
	};
	const execute =
		variant === 'idempotentTool'
			? idempotentTool(book, {
					name: 'book-class',
					journal: new MemoryJournal(),
					keyBy: options.keyBy ?? 'call',
					...(options.keyBy === 'intent' ? { runId: 'thread-1' } : {}),
					throwOn: options.throwOn ?? [],
				})
			: async (i: BookingInput) => {
					runs.count++;
					return booking.book(i);
				};
	const bookClass = tool({
		description: 'Book a class for a client',
		inputSchema: z.object({ clientId: z.string(), classId: z.string() }),
		execute,
	});
	return { tools: { bookClass }, runs };
}

/** What the model was given back for each tool call, in order: the tool's output, or `{ error: true }`. */
const outputs = (result: { steps: readonly { content: readonly { type: string; output?: unknown }[] }[] }) =>
	result.steps.flatMap((step) =>
		step.content.flatMap((part) =>
			part.type === 'tool-result' ? [part.output] : part.type === 'tool-error' ? [{ error: true }] : [],
		),
	);

describe('AI SDK: the same tool call executed again after an error', () => {
	it.each([
		['returned to the model as data', []],
		['thrown (a tool-error for the model)', ['outcome_unknown']],
	] as const)(
		'an unknown outcome %s, then the same call again: booked once, and the booking is found',
		async (_, throwOn) => {
			api = await bookingApi([...LOST_ANSWER]);
			const { tools, runs } = bookingTool(api, 'idempotentTool', { throwOn: [...throwOn] });
			const model = new MockLanguageModelV4({
				doGenerate: [callsTool('call_1'), callsTool('call_1'), says('Booked.')],
			});
			const result = await generateText({
				model,
				tools,
				prompt: 'Book c7 for u42',
				stopWhen: stepCountIs(5),
			});

			const [first, second] = outputs(result);
			expect(first).toMatchObject(
				throwOn.length
					? { error: true }
					: { status: 'outcome_unknown', operation: 'tool:book-class:call:call_1' },
			);
			// The repeat resumed the same operation under the same key: the server replayed the booking it had made.
			expect(second).toMatchObject({ id: 'b1', status: 'confirmed', clientId: 'u42' });
			expect(runs.count).toBe(2);
			expect(api.effects()).toEqual({ 'u42:c7': 1 });
			expect(new Set(api.keysSent()).size).toBe(1);
			// What the model read back for the first call: the advice, never the client's own error text (which names
			// the service's URL, and could quote a transport or journal failure).
			const toolResults = JSON.stringify(
				model.doGenerateCalls[1]?.prompt.filter((message) => message.role === 'tool'),
			);
			expect(toolResults).toContain('may or may not have been carried out');
			expect(toolResults).not.toContain(api.emulator.url.replace(/\/$/, ''));
		},
	);

	it('control: a plain tool books twice in the same run', async () => {
		api = await bookingApi([...LOST_ANSWER]);
		const { tools } = bookingTool(api, 'plain tool');
		const model = new MockLanguageModelV4({
			doGenerate: [callsTool('call_1'), callsTool('call_1'), says('Booked.')],
		});
		await generateText({ model, tools, prompt: 'Book c7 for u42', stopWhen: stepCountIs(5) });
		expect(api.effects()).toEqual({ 'u42:c7': 2 });
	});
});

describe('AI SDK: the same tool call executed again after a step retry', () => {
	// The step's tool ran, then the run failed before the step was checkpointed (the next model call failed), so the
	// workflow retries the step from its last checkpoint: the model's recorded answer is replayed and makes the same
	// tool call again, as durable workflows do when they re-run a step.
	async function runWithStepRetry(variant: Variant) {
		api = await bookingApi(['503-before']); // a fault the client absorbs by itself
		const { tools, runs } = bookingTool(api, variant);
		const run = (failAfterTool: boolean) => {
			let calls = 0;
			return generateText({
				model: new MockLanguageModelV4({
					doGenerate: async () => {
						if (calls++ === 0) return callsTool('call_1');
						if (failAfterTool) throw new Error('model provider unavailable');
						return says('Booked.');
					},
				}),
				tools,
				prompt: 'Book c7 for u42',
				stopWhen: stepCountIs(5),
				maxRetries: 0,
			});
		};
		await expect(run(true)).rejects.toThrow('model provider unavailable');
		const retried = await run(false);
		return { retried, runs };
	}

	it('answers the retried step from the journal: the booking function ran once, one booking', async () => {
		const { retried, runs } = await runWithStepRetry('idempotentTool');
		expect(outputs(retried)).toMatchObject([{ id: 'b1', status: 'confirmed' }]);
		expect(runs.count).toBe(1);
		expect(api?.effects()).toEqual({ 'u42:c7': 1 });
	});

	it('control: a plain tool books twice', async () => {
		const { runs } = await runWithStepRetry('plain tool');
		expect(runs.count).toBe(2);
		expect(api?.effects()).toEqual({ 'u42:c7': 2 });
	});
});

describe('AI SDK: a re-planned call (new call id, same input)', () => {
	const replanned = () =>
		new MockLanguageModelV4({ doGenerate: [callsTool('call_1'), callsTool('call_2'), says('Booked.')] });

	it("keyed by intent within the thread, applies once and finds the first call's booking", async () => {
		api = await bookingApi([...LOST_ANSWER]);
		const { tools } = bookingTool(api, 'idempotentTool', { keyBy: 'intent' });
		const result = await generateText({
			model: replanned(),
			tools,
			prompt: 'Book',
			stopWhen: stepCountIs(5),
		});
		const [first, second] = outputs(result);
		expect(first).toMatchObject({
			status: 'outcome_unknown',
			advice: expect.stringContaining('same input is safe'),
		});
		expect(second).toMatchObject({ id: 'b1', status: 'confirmed' });
		expect(api.effects()).toEqual({ 'u42:c7': 1 });
	});

	it('keyed by call id, is a new action: the trap intent keys avoid (and the advice warns against)', async () => {
		api = await bookingApi([...LOST_ANSWER]);
		const { tools } = bookingTool(api, 'idempotentTool', { keyBy: 'call' });
		const result = await generateText({
			model: replanned(),
			tools,
			prompt: 'Book',
			stopWhen: stepCountIs(5),
		});
		expect(outputs(result)[0]).toMatchObject({
			advice: expect.stringContaining('Do not call this tool again'),
		});
		expect(api.effects()).toEqual({ 'u42:c7': 2 });
	});
});
