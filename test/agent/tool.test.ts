import { afterEach, describe, expect, it, vi } from 'vitest';
import { idempotentMcpTool, idempotentTool, type ToolRunContext } from '../../src/agent/index.js';
import {
	InvalidRequestError,
	type Journal,
	type JournalRecord,
	KeyReuseError,
	MemoryJournal,
	NotSentError,
	OperationAbandonedError,
	OutcomeUnknownError,
	RequestRejectedError,
} from '../../src/index.js';

type Input = { clientId: string; classId: string };
const input: Input = { clientId: 'u42', classId: 'c7' };
const ctx = (toolCallId: string, abortSignal?: AbortSignal) => ({ toolCallId, messages: [], abortSignal });

/** A tool function that books (counting bookings) and records the ids it was given. */
function booking(journal: Journal) {
	const seen: ToolRunContext[] = [];
	const fn = vi.fn(async (i: Input, run: ToolRunContext) => {
		seen.push(run);
		return { id: `b${seen.length}`, ...i };
	});
	return { fn, seen, journal };
}

afterEach(() => {
	vi.useRealTimers();
});

describe('idempotentTool: journal before effect', () => {
	it('writes the record, claimed, before the tool runs', async () => {
		const journal = new MemoryJournal();
		let seenBeforeEffect: JournalRecord | undefined;
		const execute = idempotentTool(
			async (_: Input, run) => {
				seenBeforeEffect = await journal.get('agent:default', run.operation);
				return 'ok';
			},
			{ name: 'book', journal },
		);
		await execute(input, ctx('call_1'));
		expect(seenBeforeEffect).toMatchObject({
			state: 'inflight',
			attemptsStarted: 1,
			method: 'TOOL',
			path: 'book',
		});
	});

	it('knows its own new record when the journal hands back a copy (any journal but MemoryJournal): one attempt', async () => {
		class CopyingJournal extends MemoryJournal {
			override async create(record: JournalRecord): Promise<JournalRecord> {
				return structuredClone(await super.create(record));
			}
		}
		const journal = new CopyingJournal();
		await idempotentTool(async () => 'ok', { name: 'book', journal })(input, ctx('call_1'));
		// Not taken for an earlier call's record and claimed a second time: that would count an attempt never made.
		expect(await journal.get('agent:default', 'tool:book:call:call_1')).toMatchObject({
			state: 'succeeded',
			attemptsStarted: 1,
		});
	});

	it('answers a repeated call from the journal without running the tool again', async () => {
		const { fn, journal } = booking(new MemoryJournal());
		const execute = idempotentTool(fn, { name: 'book', journal });
		const first = await execute(input, ctx('call_1'));
		const again = await execute(input, ctx('call_1'));
		expect(again).toEqual(first);
		expect(fn).toHaveBeenCalledTimes(1);
		// Another wrapper over the same journal (a redeployed tool) sees it too.
		expect(await idempotentTool(fn, { name: 'book', journal })(input, ctx('call_1'))).toEqual(first);
		expect(fn).toHaveBeenCalledTimes(1);
	});

	it('gives the tool the same operation and key on every run, and different ones per call', async () => {
		const journal = new MemoryJournal();
		const keys: string[] = [];
		const execute = idempotentTool(
			async (_: Input, run) => {
				keys.push(run.key);
				throw new OutcomeUnknownError('lost', { attempts: 1, reason: 'network' });
			},
			{ name: 'book', journal },
		);
		await execute(input, ctx('call_1'));
		await execute(input, ctx('call_1'));
		await execute(input, ctx('call_2'));
		expect(keys[1]).toBe(keys[0]);
		expect(keys[2]).not.toBe(keys[0]);
	});

	it('shares one run among concurrent duplicates; one caller cancelling does not cancel it for the other', async () => {
		const { fn, journal } = booking(new MemoryJournal());
		let release = () => {};
		const gate = new Promise<void>((resolve) => {
			release = resolve;
		});
		const slow = vi.fn(async (i: Input, run: ToolRunContext) => {
			await gate;
			return fn(i, run);
		});
		const execute = idempotentTool(slow, { name: 'book', journal });
		const a = new AbortController();
		const b = new AbortController();
		const first = execute(input, ctx('call_1', a.signal));
		await vi.waitFor(() => expect(slow).toHaveBeenCalled());
		// The second caller has joined once it listens to its own signal.
		const joined = vi.spyOn(b.signal, 'addEventListener');
		const second = execute(input, ctx('call_1', b.signal));
		await vi.waitFor(() => expect(joined).toHaveBeenCalled());
		a.abort(new Error('first caller cancelled'));
		await expect(first).rejects.toThrow('first caller cancelled');
		release();
		expect(await second).toMatchObject({ id: 'b1' });
		expect(slow).toHaveBeenCalledTimes(1);
		expect(slow.mock.calls[0]?.[1].signal.aborted).toBe(false);
	});

	it('hands the tool a signal to pass on even when the framework gave none: one that never aborts', async () => {
		const { fn, seen, journal } = booking(new MemoryJournal());
		const execute = idempotentTool(fn, { name: 'book', journal });
		await execute(input, { toolCallId: 'call_1', messages: [] });
		expect(seen[0]?.signal).toBeInstanceOf(AbortSignal);
		expect(seen[0]?.signal.aborted).toBe(false);
	});

	it('cancels the shared run once every caller has cancelled; a caller cancelled already starts nothing', async () => {
		const journal = new MemoryJournal();
		const fn = vi.fn(
			(_: Input, run: ToolRunContext) =>
				new Promise((_, reject) => run.signal.addEventListener('abort', () => reject(run.signal.reason))),
		);
		const execute = idempotentTool(fn, { name: 'book', journal });
		const gone = new AbortController();
		gone.abort(new Error('cancelled before'));
		await expect(execute(input, ctx('call_0', gone.signal))).rejects.toThrow('cancelled before');
		expect(fn).not.toHaveBeenCalled();
		const a = new AbortController();
		const running = execute(input, ctx('call_1', a.signal));
		await vi.waitFor(() => expect(fn).toHaveBeenCalled());
		a.abort(new Error('cancelled'));
		await expect(running).rejects.toThrow('cancelled');
		expect(fn.mock.calls[0]?.[1].signal.aborted).toBe(true);
	});

	it('lets the last cancelled caller go when the tool ignores its signal, and re-runs the action under its key', async () => {
		const journal = new MemoryJournal();
		const keys: string[] = [];
		let hang = true;
		const fn = vi.fn((_: Input, run: ToolRunContext) => {
			keys.push(run.key);
			return hang ? new Promise<never>(() => {}) : Promise.resolve({ id: 'b1' });
		});
		const execute = idempotentTool(fn, { name: 'book', journal });
		const a = new AbortController();
		const running = execute(input, ctx('call_1', a.signal));
		await vi.waitFor(() => expect(fn).toHaveBeenCalled());
		a.abort(new Error('framework gave up'));
		await expect(running).rejects.toThrow('framework gave up');
		// The tool may still act: the record must not say it did not, and the next run keeps the key.
		await vi.waitFor(async () =>
			expect(await journal.get('agent:default', 'tool:book:call:call_1')).toMatchObject({ state: 'unknown' }),
		);
		hang = false;
		expect(await execute(input, ctx('call_1'))).toEqual({ id: 'b1' });
		expect(keys).toHaveLength(2);
		expect(keys[1]).toBe(keys[0]);
	});

	it('refuses the same operation with a different input as key reuse, without running the tool', async () => {
		const { fn, journal } = booking(new MemoryJournal());
		const execute = idempotentTool(fn, { name: 'book', journal });
		await execute(input, ctx('call_1'));
		const other = await execute({ clientId: 'u42', classId: 'c8' }, ctx('call_1'));
		expect(other).toMatchObject({ status: 'failed', code: 'key_reused', operation: 'tool:book:call:call_1' });
		expect(fn).toHaveBeenCalledTimes(1);
		const throwing = idempotentTool(fn, { name: 'book', journal, throwOn: ['failed'] });
		await expect(throwing({ clientId: 'x', classId: 'y' }, ctx('call_1'))).rejects.toBeInstanceOf(
			KeyReuseError,
		);
	});
});

describe('idempotentTool: what the model sees', () => {
	it('an unknown outcome is data; the same call runs again under the same key until it is known', async () => {
		const journal = new MemoryJournal();
		let attempt = 0;
		const execute = idempotentTool(
			async () => {
				if (attempt++ === 0) throw new OutcomeUnknownError('lost', { attempts: 2, reason: 'network' });
				return { id: 'b1' };
			},
			{ name: 'book', journal },
		);
		const first = await execute(input, ctx('call_1'));
		expect(first).toMatchObject({
			status: 'outcome_unknown',
			code: 'outcome_unknown',
			key: expect.any(String),
		});
		expect(await execute(input, ctx('call_1'))).toEqual({ id: 'b1' });
		expect(await execute(input, ctx('call_1'))).toEqual({ id: 'b1' });
		expect(attempt).toBe(2);
	});

	it('a re-run that sends nothing leaves the record unknown when an earlier attempt may have landed', async () => {
		const journal = new MemoryJournal();
		let attempt = 0;
		const execute = idempotentTool(
			async () => {
				if (attempt++ === 0) throw new OutcomeUnknownError('lost', { attempts: 1, reason: 'network' });
				throw new NotSentError('unreachable', { attempts: 1 });
			},
			{ name: 'book', journal },
		);
		await execute(input, ctx('call_1'));
		expect(await execute(input, ctx('call_1'))).toMatchObject({ status: 'failed', code: 'not_sent' });
		// Not 'pending' ("never sent"): the first attempt may have been applied.
		expect(await journal.get('agent:default', 'tool:book:call:call_1')).toMatchObject({ state: 'unknown' });
	});

	it('a definite refusal is data, kept: the same call gets it again without running the tool', async () => {
		const journal = new MemoryJournal();
		const fn = vi.fn(async () => {
			throw new RequestRejectedError('full', {
				answer: { status: 422, headers: new Headers(), body: {} },
				errorCode: 'class_full',
			});
		});
		const execute = idempotentTool(fn, { name: 'book', journal });
		const first = await execute(input, ctx('call_1'));
		expect(first).toMatchObject({ status: 'failed', code: 'rejected', reason: 'class_full' });
		expect(await execute(input, ctx('call_1'))).toEqual(first);
		expect(fn).toHaveBeenCalledTimes(1);
		const throwing = idempotentTool(fn, { name: 'book', journal, throwOn: ['failed'] });
		const error = await throwing(input, ctx('call_1')).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(RequestRejectedError);
		expect(error).toMatchObject({ status: 422, errorCode: 'class_full' });
	});

	it('an operation an operator set aside stays set aside: the model is told to have it checked, the tool is not re-run', async () => {
		const journal = new MemoryJournal();
		const fn = vi.fn(async () => {
			throw new OperationAbandonedError('abandoned', { abandonedAt: 1, reason: 'refund issued by hand' });
		});
		const execute = idempotentTool(fn, { name: 'book', journal, keyBy: 'intent', runId: 'r' });
		const first = await execute(input, ctx('call_1'));
		expect(first).toMatchObject({ status: 'outcome_unknown', code: 'abandoned' });
		expect(await execute(input, ctx('call_2'))).toEqual(first);
		expect(fn).toHaveBeenCalledTimes(1);
		const throwing = idempotentTool(fn, {
			name: 'book',
			journal,
			keyBy: 'intent',
			runId: 'r',
			throwOn: ['outcome_unknown'],
		});
		await expect(throwing(input, ctx('call_3'))).rejects.toMatchObject({
			name: 'OperationAbandonedError',
			reason: 'refund issued by hand',
		});
	});

	it('a typed error thrown on request says only the advice (frameworks show it to the model); the detail is its cause', async () => {
		const journal = new MemoryJournal();
		const lost = new OutcomeUnknownError('POST https://u:hunter2@api.test/bookings: socket hang up', {
			attempts: 2,
			reason: 'network',
		});
		const execute = idempotentTool(
			async () => {
				throw lost;
			},
			{ name: 'book', journal, throwOn: ['outcome_unknown', 'failed'] },
		);
		const thrown = await execute(input, ctx('call_1')).catch((e: unknown) => e);
		expect(thrown).toBeInstanceOf(OutcomeUnknownError);
		expect(thrown).toMatchObject({
			code: 'outcome_unknown',
			reason: 'network',
			operation: 'tool:book:call:call_1',
		});
		expect((thrown as Error).cause).toBe(lost);
		expect((thrown as Error).message).toMatch(/may or may not have been carried out/);
		expect(`${String(thrown)} ${(thrown as Error).stack}`).not.toContain('hunter2');

		const down = new MemoryJournal();
		vi.spyOn(down, 'create').mockRejectedValue(new Error('connect redis://:hunter2@cache:6379 refused'));
		const refused = await idempotentTool(async () => 'ok', {
			name: 'book',
			journal: down,
			throwOn: ['failed'],
		})(input, ctx('call_1')).catch((e: unknown) => e);
		expect(refused).toMatchObject({ name: 'JournalError', code: 'journal' });
		expect(`${String(refused)} ${(refused as Error).stack}`).not.toContain('hunter2');
		expect(String(((refused as Error).cause as Error).cause)).toContain('hunter2');
	});

	it('throwOn outcome_unknown throws the typed error instead', async () => {
		const execute = idempotentTool(
			async () => {
				throw new OutcomeUnknownError('lost', { attempts: 1, reason: 'timeout' });
			},
			{ name: 'book', throwOn: ['outcome_unknown'] },
		);
		await expect(execute(input, ctx('call_1'))).rejects.toBeInstanceOf(OutcomeUnknownError);
	});

	it("the tool's own exception is an unknown outcome: the model reads advice (not its text), the call re-runs under the same key", async () => {
		const journal = new MemoryJournal();
		const keys: string[] = [];
		const bug = new TypeError('token abc123 rejected by the SDK');
		const fn = async (_: Input, run: ToolRunContext) => {
			keys.push(run.key);
			if (keys.length === 1) throw bug;
			return 'ok';
		};
		const first = await idempotentTool(fn, { name: 'book', journal })(input, ctx('call_1'));
		expect(first).toMatchObject({ status: 'outcome_unknown', code: 'outcome_unknown' });
		expect(JSON.stringify(first)).not.toContain('abc123');
		expect(await idempotentTool(fn, { name: 'book', journal })(input, ctx('call_1'))).toBe('ok');
		expect(keys[1]).toBe(keys[0]);

		// Thrown on request: its own class, the advice as its message, itself as the cause.
		const throwing = idempotentTool(
			async () => {
				throw bug;
			},
			{ name: 'book', throwOn: ['outcome_unknown'] },
		);
		const thrown = await throwing(input, ctx('call_2')).catch((e: unknown) => e);
		expect(thrown).toBeInstanceOf(TypeError);
		expect((thrown as Error).cause).toBe(bug);
		expect(`${String(thrown)} ${(thrown as Error).stack}`).not.toContain('abc123');
		expect(thrown).toMatchObject({ operation: 'tool:book:call:call_2', key: expect.any(String) });
	});

	it.each([
		['a DOMException', new DOMException('token abc123 timed out', 'TimeoutError')],
		['a string', 'token abc123'],
		['null', null],
	])(
		'thrown on request, %s the tool threw still comes out as an Error saying only the advice',
		async (_, raw) => {
			const execute = idempotentTool(
				async () => {
					throw raw;
				},
				{ name: 'book', throwOn: ['outcome_unknown'] },
			);
			const thrown = await execute(input, ctx('call_1')).catch((e: unknown) => e);
			expect(thrown).toBeInstanceOf(Error);
			expect((thrown as Error).message).toMatch(/may or may not have been carried out/);
			expect(`${String(thrown)} ${(thrown as Error).stack}`).not.toContain('abc123');
			expect((thrown as Error).cause).toBe(raw);
			expect(thrown).toMatchObject({ operation: 'tool:book:call:call_1' });
		},
	);

	it('a result too large to keep: the replay says it was done instead of running again', async () => {
		const fn = vi.fn(async () => 'x'.repeat(100));
		const execute = idempotentTool(fn, { name: 'book', maxStoredResultBytes: 50 });
		expect(await execute(input, ctx('call_1'))).toBe('x'.repeat(100));
		expect(await execute(input, ctx('call_1'))).toMatchObject({ status: 'result_not_kept' });
		expect(fn).toHaveBeenCalledTimes(1);
	});

	it('a journal that cannot record the call: nothing runs, and the model is told nothing was sent', async () => {
		const journal = new MemoryJournal();
		vi.spyOn(journal, 'create').mockRejectedValue(new Error('disk full'));
		const fn = vi.fn(async () => 'ok');
		const result = await idempotentTool(fn, { name: 'book', journal })(input, ctx('call_1'));
		expect(result).toMatchObject({ status: 'failed', code: 'journal' });
		expect(fn).not.toHaveBeenCalled();
	});

	it('an interrupted call whose key outlived the service retention is not re-run: the model is told to have it checked', async () => {
		vi.useFakeTimers({ toFake: ['Date'] });
		const journal = new MemoryJournal();
		const fn = vi.fn(async () => {
			throw new OutcomeUnknownError('lost', { attempts: 1, reason: 'network' });
		});
		const execute = idempotentTool(fn, { name: 'book', journal, retentionMs: 60_000 });
		await execute(input, ctx('call_1'));
		vi.setSystemTime(Date.now() + 3_600_000);
		expect(await execute(input, ctx('call_1'))).toMatchObject({
			status: 'outcome_unknown',
			code: 'key_expired',
		});
		expect(fn).toHaveBeenCalledTimes(1);
	});

	it('after a crash mid-call (record left inflight), the call runs again under the same key', async () => {
		const journal = new MemoryJournal();
		const keys: string[] = [];
		// The first process dies while the tool runs: its record stays claimed, never settled.
		const crashed = idempotentTool(
			async (_: Input, run) => {
				keys.push(run.key);
				return new Promise<never>(() => {});
			},
			{ name: 'book', journal },
		);
		void crashed(input, ctx('call_1'));
		await vi.waitFor(() => expect(keys).toHaveLength(1));
		// A new process (new flights, same durable journal) re-runs the same call.
		const restarted = idempotentTool(
			async (_: Input, run) => {
				keys.push(run.key);
				return 'ok';
			},
			{ name: 'book', journal: withCopies(journal) },
		);
		expect(await restarted(input, ctx('call_1'))).toBe('ok');
		expect(keys[1]).toBe(keys[0]);
	});
});

describe('idempotentTool: keys', () => {
	it('keyed by intent: a new call id with the same input in the same run is the same action', async () => {
		const { fn, journal } = booking(new MemoryJournal());
		const execute = idempotentTool(fn, { name: 'book', journal, keyBy: 'intent', runId: 'thread-1' });
		const a = await execute(input, ctx('call_1'));
		const b = await execute({ classId: 'c7', clientId: 'u42' }, ctx('call_2')); // key order does not matter
		expect(b).toEqual(a);
		expect(fn).toHaveBeenCalledTimes(1);
		const otherRun = idempotentTool(fn, { name: 'book', journal, keyBy: 'intent', runId: () => 'thread-2' });
		await otherRun(input, ctx('call_3'));
		expect(fn).toHaveBeenCalledTimes(2);
	});

	it('a business key joins calls from any run and call id', async () => {
		const { fn, journal, seen } = booking(new MemoryJournal());
		const execute = idempotentTool(fn, {
			name: 'book',
			journal,
			key: (i) => `book:${i.clientId}:${i.classId}`,
		});
		await execute(input, ctx('call_1'));
		await execute(input, ctx('call_9'));
		await execute(input); // no call id at all
		expect(fn).toHaveBeenCalledTimes(1);
		expect(seen[0]?.operation).toBe('tool:book:key:book:u42:c7');
	});

	it('a business key makes a call again with the same input safe, and the advice says so', async () => {
		const execute = idempotentTool(
			async (_: Input) => {
				throw new OutcomeUnknownError('lost', { attempts: 1, reason: 'network' });
			},
			{ name: 'book', journal: new MemoryJournal(), key: (i) => `book:${i.clientId}:${i.classId}` },
		);
		expect(await execute(input, ctx('call_1'))).toMatchObject({
			status: 'outcome_unknown',
			advice: expect.stringContaining('Calling this tool again with exactly the same input is safe'),
		});
	});

	it('with a secret, keys are HMACs: another secret, another key', async () => {
		const keys: string[] = [];
		const fn = async (_: Input, run: ToolRunContext) => {
			keys.push(run.key);
			return 'ok';
		};
		await idempotentTool(fn, { name: 'book' })(input, ctx('call_1'));
		await idempotentTool(fn, { name: 'book', secret: 'first secret, 16+ bytes' })(input, ctx('call_1'));
		await idempotentTool(fn, { name: 'book', secret: 'second secret 16+ bytes' })(input, ctx('call_1'));
		expect(new Set(keys).size).toBe(3);
	});

	it('without a call id, keyed by call: a typed error before anything runs', async () => {
		const fn = vi.fn(async () => 'ok');
		const error = await idempotentTool(fn, { name: 'book' })(input, {}).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(InvalidRequestError);
		expect(error).toMatchObject({ field: 'toolCallId' });
		expect(fn).not.toHaveBeenCalled();
	});

	it('an input that is not JSON: a typed error before anything runs', async () => {
		const fn = vi.fn(async () => 'ok');
		const cyclic: Record<string, unknown> = {};
		cyclic.self = cyclic;
		await expect(
			idempotentTool(fn, { name: 'book', keyBy: 'intent', runId: 'r' })(cyclic, ctx('c')),
		).rejects.toMatchObject({ name: 'InvalidRequestError', field: 'input' });
		expect(fn).not.toHaveBeenCalled();
	});

	it.each<[string, Partial<Parameters<typeof idempotentTool<Input, string>>[1]>, string]>([
		[
			'a key function that throws',
			{
				key: () => {
					throw new Error('db password=hunter2');
				},
			},
			'key',
		],
		[
			'a runId function that throws',
			{
				keyBy: 'intent',
				runId: () => {
					throw new Error('db password=hunter2');
				},
			},
			'runId',
		],
		['an input whose toJSON throws', { keyBy: 'intent', runId: 'r', key: undefined }, 'input'],
	])(
		'%s: a typed error naming the option, without its text, before anything runs',
		async (_, options, field) => {
			const fn = vi.fn(async () => 'ok');
			const leaky = {
				...input,
				toJSON: () => {
					throw new Error('db password=hunter2');
				},
			};
			const error = await idempotentTool(fn, { name: 'book', ...options } as never)(
				field === 'input' ? leaky : input,
				ctx('c'),
			).catch((e: unknown) => e);
			expect(error).toBeInstanceOf(InvalidRequestError);
			expect(error).toMatchObject({ field });
			expect((error as Error).message).not.toContain('hunter2');
			expect(((error as Error).cause as Error).message).toContain('hunter2');
			expect(fn).not.toHaveBeenCalled();
		},
	);

	it('refuses ids with a lone surrogate: UTF-8 would turn two of them into one key', async () => {
		const fn = vi.fn(async () => 'ok');
		const byKey = idempotentTool(fn, { name: 'book', key: () => '\ud800' });
		await expect(byKey(input, ctx('c'))).rejects.toMatchObject({ field: 'key' });
		const byCall = idempotentTool(fn, { name: 'book' });
		await expect(byCall(input, ctx('\udc00'))).rejects.toMatchObject({ field: 'toolCallId' });
		const byRun = idempotentTool(fn, { name: 'book', keyBy: 'intent', runId: () => 'r\ud801' });
		await expect(byRun(input, ctx('c'))).rejects.toMatchObject({ field: 'runId' });
		expect(fn).not.toHaveBeenCalled();
	});
});

describe('idempotentTool: options checked when the tool is defined', () => {
	const fn = async () => 'ok';
	it.each([
		['no name', { name: '' }, 'name'],
		['keyBy intent without a run id', { name: 't', keyBy: 'intent' }, 'runId'],
		['both a key and keyBy', { name: 't', keyBy: 'call', key: () => 'k' }, 'keyBy'],
		['an unknown keyBy', { name: 't', keyBy: 'turn' }, 'keyBy'],
		['a short secret', { name: 't', secret: 'short' }, 'secret'],
		['an unknown throwOn status', { name: 't', throwOn: ['rejected'] }, 'throwOn'],
		['a negative retention', { name: 't', retentionMs: -1 }, 'retentionMs'],
		['something that is not a journal', { name: 't', journal: {} }, 'journal'],
		[
			'a misspelt option (keyed by call id in silence otherwise)',
			{ name: 't', kyeBy: 'intent', runId: 'r' },
			'kyeBy',
		],
		['a name with a line break', { name: 'book\r\nX-Admin: 1' }, 'name'],
		['a scope with a control character', { name: 't', scope: 'tenant\u0000' }, 'scope'],
		[
			'a scope with a lone surrogate (hashed as U+FFFD, like any other)',
			{ name: 't', scope: 'tenant\ud800' },
			'scope',
		],
		['a name with a lone surrogate', { name: 'book\udc00' }, 'name'],
	])('%s', (_, options, field) => {
		expect(() => idempotentTool(fn, options as never)).toThrow(expect.objectContaining({ field }));
	});
});

/** The journal as a store that hands back copies (as FileJournal, Redis or PostgreSQL do), not the stored object. */
function withCopies(journal: MemoryJournal): Journal {
	const copy = <T>(value: T): T => (value === undefined ? value : structuredClone(value));
	return {
		create: async (record) => copy(await journal.create(copy(record))),
		get: async (scope, operation) => copy(await journal.get(scope, operation)),
		compareAndSet: (next) => journal.compareAndSet(copy(next)),
		listUnfinished: (scope) => journal.listUnfinished(scope),
		collectGarbage: (now) => journal.collectGarbage(now),
	};
}

describe('idempotentMcpTool: options checked when the tool is defined', () => {
	it.each([
		['keyBy', { keyBy: 'intent' }],
		['runId', { runId: 'r' }],
		['kyeBy', { kyeBy: 'x' }],
	])('refuses %s, which it would ignore', (field, extra) => {
		expect(() => idempotentMcpTool(async () => 'ok', { name: 't', ...extra } as never)).toThrow(
			expect.objectContaining({ name: 'InvalidRequestError', field }),
		);
	});
});
