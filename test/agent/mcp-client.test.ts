import { describe, expect, it, vi } from 'vitest';
import {
	idempotentCallTool,
	MCP_IDEMPOTENCY_KEY_META,
	type McpCallParams,
	mcpRetryable,
} from '../../src/agent/index.js';
import { InvalidRequestError, OutcomeUnknownError } from '../../src/index.js';

const rpcError = (code: number) => Object.assign(new Error(`rpc ${code}`), { code });
const ok = { content: [{ type: 'text', text: 'booked' }] };
const quick = { backoff: { baseDelay: 1, maxDelay: 1 } };

describe('mcpRetryable', () => {
	it.each([
		['request timeout (-32001)', { error: rpcError(-32001) }, true],
		['connection closed (-32000)', { error: rpcError(-32000) }, true],
		['a transport error without a code', { error: new Error('socket hang up') }, true],
		['invalid params (-32602): a definite answer', { error: rpcError(-32602) }, false],
		['method not found (-32601)', { error: rpcError(-32601) }, false],
		['a result', { result: ok }, false],
		['a tool error result', { result: { content: [], isError: true } }, false],
		[
			"the server's outcome_unknown",
			{
				result: {
					content: [],
					isError: true,
					structuredContent: { status: 'outcome_unknown', code: 'in_progress' },
				},
			},
			true,
		],
		[
			"the server's abandoned: set aside by hand",
			{
				result: {
					content: [],
					isError: true,
					structuredContent: { status: 'outcome_unknown', code: 'abandoned' },
				},
			},
			false,
		],
		[
			"the server's key_expired: retrying cannot help",
			{
				result: {
					content: [],
					isError: true,
					structuredContent: { status: 'outcome_unknown', code: 'key_expired' },
				},
			},
			false,
		],
	])('%s', (_, failure, expected) => {
		expect(mcpRetryable(failure)).toBe(expected);
	});
});

describe('idempotentCallTool', () => {
	it('sends every attempt with the same key in _meta, keeping the caller’s own _meta', async () => {
		const callTool = vi
			.fn()
			.mockRejectedValueOnce(rpcError(-32001))
			.mockRejectedValueOnce(new Error('socket hang up'))
			.mockResolvedValueOnce(ok);
		const result = await idempotentCallTool(
			{ callTool },
			{ name: 'book', arguments: { a: 1 }, _meta: { trace: 't1' } },
			quick,
		);
		expect(result).toBe(ok);
		const metas = callTool.mock.calls.map((call) => call[0]._meta);
		expect(metas).toHaveLength(3);
		expect(metas[0]).toEqual({ trace: 't1', [MCP_IDEMPOTENCY_KEY_META]: expect.any(String) });
		expect(new Set(metas.map((meta) => meta[MCP_IDEMPOTENCY_KEY_META])).size).toBe(1);
	});

	it('a new call gets a new key; a given key is used as is', async () => {
		const callTool = vi.fn().mockResolvedValue(ok);
		await idempotentCallTool({ callTool }, { name: 'book' });
		await idempotentCallTool({ callTool }, { name: 'book' });
		await idempotentCallTool({ callTool }, { name: 'book' }, { key: 'order-7' });
		const keys = callTool.mock.calls.map((call) => call[0]._meta[MCP_IDEMPOTENCY_KEY_META]);
		expect(keys[0]).not.toBe(keys[1]);
		expect(keys[2]).toBe('order-7');
	});

	it('does not retry a definite protocol error', async () => {
		const callTool = vi.fn().mockRejectedValue(rpcError(-32602));
		await expect(idempotentCallTool({ callTool }, { name: 'book' }, quick)).rejects.toMatchObject({
			code: -32602,
		});
		expect(callTool).toHaveBeenCalledTimes(1);
	});

	it('after the last retry, rejects with OutcomeUnknownError carrying the key to resume with', async () => {
		const callTool = vi.fn().mockRejectedValue(rpcError(-32001));
		const error = await idempotentCallTool(
			{ callTool },
			{ name: 'book' },
			{ ...quick, retries: 2, key: 'k-1' },
		).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(OutcomeUnknownError);
		expect(error).toMatchObject({ key: 'k-1', reason: 'timeout', attempts: 3 });
		expect(callTool).toHaveBeenCalledTimes(3);
	});

	it("retries the server's outcome_unknown with the same key, and returns it when retries run out", async () => {
		const unknown = {
			content: [],
			isError: true,
			structuredContent: { status: 'outcome_unknown', code: 'outcome_unknown' },
		};
		const callTool = vi.fn().mockResolvedValue(unknown);
		expect(await idempotentCallTool({ callTool }, { name: 'book' }, { ...quick, retries: 1 })).toBe(unknown);
		expect(callTool).toHaveBeenCalledTimes(2);
	});

	it('calls beforeRetry (to reconnect) before each retry', async () => {
		const callTool = vi.fn().mockRejectedValueOnce(rpcError(-32000)).mockResolvedValueOnce(ok);
		const beforeRetry = vi.fn();
		await idempotentCallTool({ callTool }, { name: 'book' }, { ...quick, beforeRetry, key: 'k' });
		expect(beforeRetry).toHaveBeenCalledWith(expect.objectContaining({ attempt: 1, key: 'k' }));
	});

	it('enforces its timeout on a client that ignores it: each attempt past it is retried, then outcome unknown', async () => {
		vi.useFakeTimers();
		try {
			const callTool = vi.fn(() => new Promise<never>(() => {}));
			const pending = idempotentCallTool(
				{ callTool },
				{ name: 'book' },
				{ key: 'k', timeout: 1_000, retries: 1, backoff: { baseDelay: 0, maxDelay: 0 } },
			).catch((e: unknown) => e);
			await vi.advanceTimersByTimeAsync(2_500);
			expect(await pending).toMatchObject({
				name: 'OutcomeUnknownError',
				reason: 'timeout',
				key: 'k',
				attempts: 2,
			});
			expect(callTool).toHaveBeenCalledTimes(2);
		} finally {
			vi.useRealTimers();
		}
	});

	it('stops at its signal while a beforeRetry (a reconnect) hangs', async () => {
		const controller = new AbortController();
		const callTool = vi.fn().mockRejectedValue(rpcError(-32000));
		const beforeRetry = vi.fn(() => new Promise<void>(() => {}));
		const pending = idempotentCallTool(
			{ callTool },
			{ name: 'book' },
			{ ...quick, beforeRetry, key: 'k', signal: controller.signal },
		);
		await vi.waitFor(() => expect(beforeRetry).toHaveBeenCalled());
		controller.abort(new Error('user left'));
		await expect(pending).rejects.toMatchObject({ name: 'OutcomeUnknownError', reason: 'aborted', key: 'k' });
		expect(callTool).toHaveBeenCalledTimes(1);
	});

	it('stops when its signal aborts: outcome unknown once an attempt was sent, nothing sent before', async () => {
		const controller = new AbortController();
		const callTool = vi.fn(async () => {
			controller.abort(new Error('user left'));
			throw new Error('aborted');
		});
		await expect(
			idempotentCallTool({ callTool }, { name: 'book' }, { ...quick, signal: controller.signal }),
		).rejects.toMatchObject({ name: 'OutcomeUnknownError', reason: 'aborted' });
		expect(callTool).toHaveBeenCalledTimes(1);
		await expect(
			idempotentCallTool({ callTool }, { name: 'book' }, { signal: controller.signal }),
		).rejects.toThrow('user left');
		expect(callTool).toHaveBeenCalledTimes(1);
	});

	it.each<[string, Record<string, unknown>, string]>([
		['a key with spaces', { key: 'a b' }, 'key'],
		['negative retries', { retries: -1 }, 'retries'],
		['a negative timeout (the SDK would time out at once, and retry)', { timeout: -5 }, 'timeout'],
		['a timeout that is not a number', { timeout: '10s' }, 'timeout'],
		['a backoff without maxDelay', { backoff: { baseDelay: 10 } }, 'backoff'],
		['a beforeRetry that is not a function', { beforeRetry: 'reconnect' }, 'beforeRetry'],
		['no tool name', { name: '' }, 'name'],
	])('refuses %s before sending', async (_, { name, ...options }, field) => {
		const callTool = vi.fn();
		const error = await idempotentCallTool(
			{ callTool },
			{ name: (name as string | undefined) ?? 'book' },
			options as never,
		).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(InvalidRequestError);
		expect(error).toMatchObject({ field });
		expect(callTool).not.toHaveBeenCalled();
	});

	it('stops at its signal even when the client ignores it: outcome unknown, with the key to resume with', async () => {
		const controller = new AbortController();
		const callTool = vi.fn(() => new Promise<never>(() => {}));
		const pending = idempotentCallTool(
			{ callTool },
			{ name: 'book' },
			{ key: 'k', signal: controller.signal },
		);
		await vi.waitFor(() => expect(callTool).toHaveBeenCalled());
		controller.abort(new Error('user left'));
		await expect(pending).rejects.toMatchObject({ name: 'OutcomeUnknownError', reason: 'aborted', key: 'k' });
	});

	it('keeps a key the caller put in _meta itself, and refuses two different keys', async () => {
		const callTool = vi.fn(async (_: McpCallParams) => ok);
		await idempotentCallTool(
			{ callTool },
			{ name: 'book', _meta: { [MCP_IDEMPOTENCY_KEY_META]: 'kept-key' } },
		);
		expect(callTool.mock.calls[0]?.[0]._meta?.[MCP_IDEMPOTENCY_KEY_META]).toBe('kept-key');
		await expect(
			idempotentCallTool(
				{ callTool },
				{ name: 'book', _meta: { [MCP_IDEMPOTENCY_KEY_META]: 'kept-key' } },
				{ key: 'other-key' },
			),
		).rejects.toMatchObject({ name: 'InvalidRequestError', field: 'key' });
		expect(callTool).toHaveBeenCalledTimes(1);
	});

	const cycle: Record<string, unknown> = {};
	cycle.self = cycle;
	it.each<[string, unknown, Record<string, unknown>, unknown, string]>([
		['a client without callTool', {}, { name: 'book' }, {}, 'client'],
		['null options', null, { name: 'book' }, null, 'options'],
		[
			'arguments with a cycle (the transport would fail, read as a lost answer)',
			null,
			{ name: 'book', arguments: cycle },
			{},
			'arguments',
		],
		['arguments with a BigInt', null, { name: 'book', arguments: { amount: 10n } }, {}, 'arguments'],
		['arguments that are not an object', null, { name: 'book', arguments: 'c7' }, {}, 'arguments'],
		['a _meta that is not an object', null, { name: 'book', _meta: 'k' }, {}, '_meta'],
		['a _meta with a BigInt', null, { name: 'book', _meta: { n: 1n } }, {}, '_meta'],
		['a signal that is not an AbortSignal', null, { name: 'book' }, { signal: {} }, 'signal'],
		['a key longer than 255 characters', null, { name: 'book' }, { key: 'k'.repeat(256) }, 'key'],
	])('refuses %s before sending, as invalid', async (_, client, params, options, field) => {
		const callTool = vi.fn(async () => ok);
		const error = await idempotentCallTool(
			(client ?? { callTool }) as never,
			params as never,
			(options === null ? null : { ...quick, ...(options as object) }) as never,
		).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(InvalidRequestError);
		expect(error).toMatchObject({ field });
		expect(callTool).not.toHaveBeenCalled();
	});
});
