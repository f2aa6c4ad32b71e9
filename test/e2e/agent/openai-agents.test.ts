// The OpenAI Agents SDK (`@openai/agents`) running real agent loops with a fake Model: no network, no real model,
// tracing off. The tool books a class on the emulator (real loopback HTTP) through the idemkey client, while faults
// lose answers. The SDK itself skips a call id it already answered within one run; the repeats come from a turn
// that is run again after a failure, and from the model re-planning a call under a new id.
import {
	Agent,
	type AgentInputItem,
	type Model,
	type ModelResponse,
	type RunContext,
	Runner,
	setTracingDisabled,
	tool,
	Usage,
} from '@openai/agents';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { idempotentTool, type KeyBy } from '../../../src/agent/index.js';
import { MemoryJournal } from '../../../src/index.js';
import { type BookingApi, type BookingInput, bookingApi } from './booking-api.js';

const input: BookingInput = { clientId: 'u42', classId: 'c7' };
type Thread = { threadId: string };

/** A model that answers from a script, one entry per model call; an Error entry fails that call. */
function fakeModel(script: readonly (string | Error)[]): Model {
	let turn = 0;
	return {
		async getResponse(): Promise<ModelResponse> {
			const next = script[turn++] ?? 'Done.';
			if (next instanceof Error) throw next;
			const output: AgentInputItem[] = next.startsWith('call_')
				? [
						{
							type: 'function_call',
							callId: next,
							name: 'book_class',
							arguments: JSON.stringify(input),
							status: 'completed',
						},
					]
				: [
						{
							type: 'message',
							role: 'assistant',
							status: 'completed',
							content: [{ type: 'output_text', text: next }],
						},
					];
			return { usage: new Usage(), output: output as ModelResponse['output'] };
		},
		// biome-ignore lint/correctness/useYield: the runner never streams in these tests
		async *getStreamedResponse() {
			throw new Error('not streamed');
		},
	};
}

let api: BookingApi | undefined;
beforeAll(() => setTracingDisabled(true));
afterEach(async () => {
	await api?.close();
	api = undefined;
});

/** An agent with the booking tool, wrapped (keyed as asked) or plain; counts how often the booking really ran. */
function bookingAgent(
	booking: BookingApi,
	model: Model,
	keyBy: KeyBy | 'plain tool',
	afterBooking: () => void = () => {},
) {
	const runs = { count: 0 };
	const execute =
		keyBy === 'plain tool'
			? async (i: BookingInput) => {
					runs.count++;
					return booking.book(i);
				}
			: idempotentTool(
					async (i: BookingInput, ids) => {
						runs.count++;
						const booked = await booking.book(i, ids);
						afterBooking();
						return booked;
					},
					{
						name: 'book_class',
						journal: new MemoryJournal(),
						keyBy,
						// The thread id comes from the run's own context, the first thing the SDK passes after the input.
						runId: (call) => (call.context[0] as RunContext<Thread>).context.threadId,
					},
				);
	const bookClass = tool({
		name: 'book_class',
		description: 'Book a class for a client',
		parameters: z.object({ clientId: z.string(), classId: z.string() }),
		execute,
	});
	return {
		agent: new Agent<Thread>({ name: 'booker', instructions: 'Book classes.', model, tools: [bookClass] }),
		runs,
	};
}

const toolOutputs = (result: { newItems: { type: string; output?: unknown }[] }) =>
	result.newItems.filter((item) => item.type === 'tool_call_output_item').map((item) => item.output);

describe('OpenAI Agents SDK: a turn run again after a failure repeats the tool call', () => {
	// The tool ran, then the next model call failed and the turn was run again from its input: the fake model
	// repeats the same tool call (same call id), as a replayed or cached model answer does.
	async function turnRunTwice(keyBy: KeyBy | 'plain tool') {
		api = await bookingApi(['503-before']); // a fault the client absorbs by itself
		// One model script across both runs: the first run calls the tool, then fails; the second repeats the call.
		const model = fakeModel(['call_1', new Error('model unavailable'), 'call_1', 'Booked.']);
		const { agent, runs } = bookingAgent(api, model, keyBy);
		const context = { threadId: 'thread-1' };
		await expect(new Runner().run(agent, 'Book c7 for u42', { context })).rejects.toThrow(
			'model unavailable',
		);
		const again = await new Runner().run(agent, 'Book c7 for u42', { context });
		return { again, runs };
	}

	it('answers the repeat from the journal: the booking ran once, one booking, the model gets it', async () => {
		const { again, runs } = await turnRunTwice('call');
		expect(toolOutputs(again)[0]).toMatchObject({ id: 'b1', status: 'confirmed' });
		expect(runs.count).toBe(1);
		expect(api?.effects()).toEqual({ 'u42:c7': 1 });
	});

	it('control: a plain tool books twice', async () => {
		const { runs } = await turnRunTwice('plain tool');
		expect(runs.count).toBe(2);
		expect(api?.effects()).toEqual({ 'u42:c7': 2 });
	});
});

describe('OpenAI Agents SDK: a lost answer, then the model re-plans the call under a new id', () => {
	const LOST_ANSWER = ['drop-after-commit', 'drop-before'] as const;

	it('keyed by intent within the thread: applied once, and the second call finds the booking', async () => {
		api = await bookingApi([...LOST_ANSWER]);
		const { agent } = bookingAgent(api, fakeModel(['call_1', 'call_2', 'Booked.']), 'intent');
		const result = await new Runner().run(agent, 'Book c7 for u42', { context: { threadId: 'thread-1' } });
		const [first, second] = toolOutputs(result);
		expect(first).toMatchObject({ status: 'outcome_unknown', code: 'outcome_unknown' });
		expect(second).toMatchObject({ id: 'b1', status: 'confirmed' });
		expect(api.effects()).toEqual({ 'u42:c7': 1 });
	});

	it('another thread with the same input is another action', async () => {
		api = await bookingApi();
		const { agent } = bookingAgent(api, fakeModel(['call_1', 'Booked.', 'call_1', 'Booked.']), 'intent');
		await new Runner().run(agent, 'Book c7 for u42', { context: { threadId: 'thread-1' } });
		await new Runner().run(agent, 'Book c7 for u42', { context: { threadId: 'thread-2' } });
		expect(api.effects()).toEqual({ 'u42:c7': 2 });
	});

	it('control: keyed by call id, the re-planned call books a second time', async () => {
		api = await bookingApi([...LOST_ANSWER]);
		const { agent } = bookingAgent(api, fakeModel(['call_1', 'call_2', 'Booked.']), 'call');
		await new Runner().run(agent, 'Book c7 for u42', { context: { threadId: 'thread-1' } });
		expect(api.effects()).toEqual({ 'u42:c7': 2 });
	});
});

describe("OpenAI Agents SDK: the tool's own code throws after the booking was made", () => {
	it('the model reads an unknown outcome (not the exception, not "please try again"); the re-planned call finds the booking', async () => {
		api = await bookingApi();
		let failures = 1;
		const { agent, runs } = bookingAgent(api, fakeModel(['call_1', 'call_2', 'Booked.']), 'intent', () => {
			if (failures-- > 0) throw new TypeError('cannot read receipt for token sk_live_123');
		});
		const result = await new Runner().run(agent, 'Book c7 for u42', { context: { threadId: 'thread-1' } });
		const [first, second] = toolOutputs(result);
		expect(first).toMatchObject({
			status: 'outcome_unknown',
			advice: expect.stringContaining('same input is safe'),
		});
		expect(JSON.stringify(first)).not.toContain('sk_live');
		expect(second).toMatchObject({ id: 'b1', status: 'confirmed' });
		expect(runs.count).toBe(2); // re-run under the same key: the service replayed the booking it had made
		expect(api.effects()).toEqual({ 'u42:c7': 1 });
	});
});
