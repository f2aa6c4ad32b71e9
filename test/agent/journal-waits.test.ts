import { afterEach, describe, expect, it, vi } from 'vitest';
import { idempotentTool, type ToolRunContext } from '../../src/agent/index.js';
import { InvalidRequestError, JournalError, type JournalRecord } from '../../src/index.js';
import { StallingJournal } from '../helpers/stalling-journal.js';

type Input = { clientId: string; classId: string };
const input: Input = { clientId: 'u42', classId: 'c7' };
const ctx = (toolCallId: string, abortSignal?: AbortSignal) => ({ toolCallId, messages: [], abortSignal });
const SCOPE = 'agent:default';
const OPERATION = 'tool:book:call:call_1';

const flush = async () => {
	for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
};

/** What a call has come to so far: a hang reads as `pending`, not as a test timeout. */
function track(call: Promise<unknown>) {
	const state: { value?: unknown; error?: unknown; settled: boolean } = { settled: false };
	call.then(
		(value) => Object.assign(state, { value, settled: true }),
		(error: unknown) => Object.assign(state, { error, settled: true }),
	);
	return state;
}

/** A record left by an earlier call whose outcome is unknown (its answer was lost). */
async function leaveUnknown(journal: StallingJournal): Promise<void> {
	const lost = idempotentTool(
		async () => {
			throw new Error('connection reset');
		},
		{ name: 'book', journal },
	);
	await lost(input, ctx('call_1')).catch(() => {});
	expect(await journal.inner.get(SCOPE, OPERATION)).toMatchObject({ state: 'unknown', attemptsStarted: 1 });
}

afterEach(() => {
	vi.useRealTimers();
});

describe('idempotentTool: a journal that never answers cannot hold the tool call', () => {
	it('no signal: the call ends at journalTimeoutMs, telling the model nothing ran; the tool never runs', async () => {
		vi.useFakeTimers();
		const journal = new StallingJournal();
		const held = journal.hold('create');
		const fn = vi.fn(async () => 'booked');
		const call = track(
			idempotentTool(fn, { name: 'book', journal, journalTimeoutMs: 2_000 })(input, ctx('call_1')),
		);
		// Keys are digested asynchronously: time starts once the journal is reached.
		await held.reached;
		await vi.advanceTimersByTimeAsync(1_999);
		expect(call.settled).toBe(false);
		await vi.advanceTimersByTimeAsync(1);
		expect(call.value).toMatchObject({ status: 'failed', code: 'journal', operation: OPERATION });
		expect(fn).not.toHaveBeenCalled();
	});

	it('thrown on request, the timeout is a JournalError whose cause names journalTimeoutMs', async () => {
		vi.useFakeTimers();
		const journal = new StallingJournal();
		const held = journal.hold('create');
		const execute = idempotentTool(async () => 'booked', {
			name: 'book',
			journal,
			throwOn: ['failed'],
			journalTimeoutMs: 2_000,
		});
		const call = track(execute(input, ctx('call_1')));
		await held.reached;
		await vi.advanceTimersByTimeAsync(2_000);
		expect(call.error).toBeInstanceOf(JournalError);
		// The message is what the model may read; the host's detail is in the cause.
		expect((call.error as Error).message).toMatch(/nothing was sent/);
		expect(((call.error as Error).cause as Error).message).toMatch(/journalTimeoutMs.*record the tool call/);
	});

	it('abort while the record is written: the framework gets its abort reason, the journal is told, the record written late is taken back, and the next call runs the tool as new, once', async () => {
		const journal = new StallingJournal();
		const held = journal.hold('create');
		const fn = vi.fn(async () => 'booked');
		const execute = idempotentTool(fn, { name: 'book', journal });
		const controller = new AbortController();
		const call = track(execute(input, ctx('call_1', controller.signal)));
		const options = await held.reached;
		const reason = new Error('step cancelled');
		controller.abort(reason);
		await flush();
		// The very reason: the OpenAI Agents SDK rethrows it as a cancellation instead of telling the model a tool failed.
		expect(call).toMatchObject({ settled: true, error: reason });
		expect(options?.signal?.aborted).toBe(true);
		held.release();
		await vi.waitFor(async () =>
			expect(await journal.inner.get(SCOPE, OPERATION)).toMatchObject({
				state: 'pending',
				attemptsStarted: 0,
			}),
		);
		// The create landed after all: the tool still never ran under it.
		expect(fn).not.toHaveBeenCalled();
		expect(await execute(input, ctx('call_1'))).toBe('booked');
		expect(fn).toHaveBeenCalledTimes(1);
		expect(await journal.inner.get(SCOPE, OPERATION)).toMatchObject({
			state: 'succeeded',
			attemptsStarted: 1,
		});
	});

	it('the journal fails the claim after an earlier call may have applied: outcome unknown, never "not carried out"', async () => {
		const journal = new StallingJournal();
		await leaveUnknown(journal);
		journal.compareAndSet = async () => {
			throw new Error('connection refused');
		};
		const fn = vi.fn(async () => 'booked');
		const outcome = await idempotentTool(fn, { name: 'book', journal })(input, ctx('call_1'));
		expect(outcome).toMatchObject({
			status: 'outcome_unknown',
			code: 'outcome_unknown',
			operation: OPERATION,
		});
		const thrown = await idempotentTool(fn, { name: 'book', journal, throwOn: ['outcome_unknown'] })(
			input,
			ctx('call_1'),
		).catch((e: unknown) => e);
		expect(thrown).toMatchObject({ name: 'OutcomeUnknownError', reason: 'journal', operation: OPERATION });
		expect((thrown as Error).message).not.toContain('connection refused');
		expect(fn).not.toHaveBeenCalled();
	});

	it('a claim written after the caller left is taken back: the record keeps only the attempt that ran', async () => {
		const journal = new StallingJournal();
		await leaveUnknown(journal);
		const held = journal.hold('compareAndSet', (next) => (next as JournalRecord).state === 'inflight');
		const fn = vi.fn(async () => 'booked');
		const controller = new AbortController();
		const call = track(
			idempotentTool(fn, { name: 'book', journal })(input, ctx('call_1', controller.signal)),
		);
		const options = await held.reached;
		const reason = new Error('step cancelled');
		controller.abort(reason);
		await flush();
		expect(call).toMatchObject({ settled: true, error: reason });
		expect(options?.signal?.aborted).toBe(true);
		held.release();
		// Still unknown (the earlier attempt may have landed), with one attempt started: not two.
		await vi.waitFor(async () =>
			expect(await journal.inner.get(SCOPE, OPERATION)).toMatchObject({
				state: 'unknown',
				attemptsStarted: 1,
				attemptsFinished: 1,
				revision: 4,
			}),
		);
		expect(fn).not.toHaveBeenCalled();
	});

	// The framework cancels the step some microtasks after the journal answered: while the journal call is still
	// awaited, between the claim and the tool, or once the tool has started. The tool never starts for a caller already
	// gone, and a claim nothing ran under is taken back.
	it.each(Array.from({ length: 8 }, (_, hops) => hops))(
		'a caller that leaves as the claim lands (%i microtasks later): the tool never starts cancelled',
		async (hops) => {
			const journal = new StallingJournal();
			const controller = new AbortController();
			const reason = new Error('step cancelled');
			const create = journal.create.bind(journal);
			journal.create = async (record, options) => {
				const stored = await create(record, options);
				let later = Promise.resolve();
				for (let i = 0; i < hops; i++) later = later.then(() => {});
				void later.then(() => controller.abort(reason));
				return stored;
			};
			const startedCancelled: boolean[] = [];
			const fn = vi.fn(async (_: Input, run: ToolRunContext) => {
				startedCancelled.push(run.signal.aborted);
				return 'booked';
			});
			const call = track(
				idempotentTool(fn, { name: 'book', journal })(input, ctx('call_1', controller.signal)),
			);
			await vi.waitFor(() => expect(call.settled).toBe(true));
			expect(startedCancelled).not.toContain(true);
			if (fn.mock.calls.length > 0) return;
			expect(call.error).toBe(reason);
			await vi.waitFor(async () =>
				expect(await journal.inner.get(SCOPE, OPERATION)).toMatchObject({
					state: 'pending',
					attemptsStarted: 0,
				}),
			);
		},
	);

	it('the end of the call hangs: the result is returned at journalTimeoutMs, and the record catches up later', async () => {
		vi.useFakeTimers();
		const journal = new StallingJournal();
		const held = journal.hold('compareAndSet', (next) => (next as JournalRecord).state === 'succeeded');
		const fn = vi.fn(async () => 'booked');
		const execute = idempotentTool(fn, { name: 'book', journal, journalTimeoutMs: 2_000 });
		const call = track(execute(input, ctx('call_1')));
		await held.reached;
		await vi.advanceTimersByTimeAsync(1_999);
		expect(call.settled).toBe(false);
		await vi.advanceTimersByTimeAsync(1);
		expect(call.value).toBe('booked');
		// The write was made, not cancelled: once it lands, a repeat is answered from the journal.
		held.release();
		await vi.waitFor(async () =>
			expect(await journal.inner.get(SCOPE, OPERATION)).toMatchObject({ state: 'succeeded' }),
		);
		expect(await execute(input, ctx('call_1'))).toBe('booked');
		expect(fn).toHaveBeenCalledTimes(1);
	});

	it('abort while the end of the call hangs: the caller is not held, and gets the result of what was done', async () => {
		const journal = new StallingJournal();
		const held = journal.hold('compareAndSet', (next) => (next as JournalRecord).state === 'succeeded');
		const controller = new AbortController();
		const execute = idempotentTool(async () => 'booked', { name: 'book', journal });
		const call = track(execute(input, ctx('call_1', controller.signal)));
		await held.reached;
		controller.abort(new Error('step cancelled'));
		await flush();
		expect(call).toMatchObject({ settled: true, value: 'booked' });
		held.release();
	});

	it.each([0, -1, 1.5, Number.NaN, 2 ** 31, '1000'])(
		'journalTimeoutMs %s is refused when the tool is defined',
		(value) => {
			expect(() =>
				idempotentTool(async () => 'ok', { name: 'book', journalTimeoutMs: value as number }),
			).toThrow(InvalidRequestError);
		},
	);
});
