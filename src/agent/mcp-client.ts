import { checkTimeout } from '../client/call-options.js';
import { InvalidRequestError, OutcomeUnknownError } from '../errors/classes.js';
import { mintKey } from '../keys/mint.js';
import { type BackoffOptions, backoffDelay } from '../retry/backoff.js';
import { sleep } from '../retry/sleep.js';
import { abortable } from '../utils/abortable.js';
import { isAbortSignal, MAX_TIMEOUT_MS } from '../utils/input.js';
import { count } from '../utils/plural.js';
import { isMetaKey, MCP_IDEMPOTENCY_KEY_META } from './mcp-server.js';

/** The parameters of an MCP `tools/call`. */
export type McpCallParams = {
	name: string;
	arguments?: Record<string, unknown> | undefined;
	_meta?: Record<string, unknown> | undefined;
};

/** What idemkey needs of an MCP client: the SDK's `Client` fits. */
export type McpToolCaller<R> = {
	callTool(
		params: McpCallParams,
		resultSchema?: undefined,
		options?: { signal?: AbortSignal; timeout?: number },
	): Promise<R>;
};

export type IdempotentCallOptions = {
	/**
	The call's idempotency key, sent in `_meta` under `MCP_IDEMPOTENCY_KEY_META` on every attempt. Pass a key you keep
	(derived from your own id, or journaled) when a retry may come from another process.
	@default the key already in `params._meta` under `MCP_IDEMPOTENCY_KEY_META`, else a fresh random UUID, kept for
	this call's attempts
	*/
	key?: string | undefined;
	/**
	Further attempts after a timeout, a dropped connection or a transport failure, and after the server answered
	`outcome_unknown`: all of them carry the same key.
	@default 2
	*/
	retries?: number | undefined;
	/**
	Per-attempt timeout in ms, passed to `callTool` and enforced here too (for a client that ignores it); an attempt
	past it is retried as a lost answer.
	@default the SDK's own (60 s)
	*/
	timeout?: number | undefined;
	/** Stops waiting and retrying. */
	signal?: AbortSignal | undefined;
	/**
	Wait before each retry: full-jitter exponential.
	@default { baseDelay: 100, maxDelay: 2_000 }
	*/
	backoff?: BackoffOptions | undefined;
	/** Called before each retry: reconnect there after the connection closed. Its errors end the call. */
	beforeRetry?:
		| ((retry: { attempt: number; error: unknown; key: string }) => void | Promise<void>)
		| undefined;
};

// JSON-RPC codes the SDK raises when an answer never came: the request may have been applied.
const REQUEST_TIMEOUT = -32001;
const CONNECTION_CLOSED = -32000;
const DEFAULT_BACKOFF: BackoffOptions = { baseDelay: 100, maxDelay: 2_000 };

/**
Whether an attempt's failure leaves the call's outcome unknown, so the same call (same key) should be sent again.
A JSON-RPC error with any other code is the server's definite answer: not retried.
*/
export function mcpRetryable(failure: { error: unknown } | { result: unknown }): boolean {
	if ('result' in failure) {
		const result = failure.result as {
			isError?: unknown;
			structuredContent?: { status?: unknown; code?: unknown };
		};
		const said = result?.structuredContent;
		// Lost or still in progress: the same key finds out. Expired or set aside by hand: retrying cannot help.
		return (
			result?.isError === true &&
			said?.status === 'outcome_unknown' &&
			(said.code === 'outcome_unknown' || said.code === 'in_progress')
		);
	}
	const code = (failure.error as { code?: unknown } | null)?.code;
	if (typeof code === 'number') return code === REQUEST_TIMEOUT || code === CONNECTION_CLOSED;
	return true;
}

/**
Calls an MCP tool with an idempotency key in the request's `_meta`, and sends the very same call again (same key)
when its answer is lost: a timeout, a closed connection, a transport error, or the server's `outcome_unknown`. A
server whose handler is wrapped with `idempotentMcpTool` then applies the action once, whatever the number of
attempts. Rejects with `OutcomeUnknownError` (the key on it) when no attempt got an answer.
*/
export async function idempotentCallTool<R>(
	client: McpToolCaller<R>,
	params: McpCallParams,
	options: IdempotentCallOptions = {},
): Promise<R> {
	const { key, retries } = checkedCall(client, params, options);
	const { signal } = options;
	signal?.throwIfAborted();
	const call: McpCallParams = { ...params, _meta: { ...params._meta, [MCP_IDEMPOTENCY_KEY_META]: key } };
	const callOptions: { signal?: AbortSignal; timeout?: number } = {};
	if (signal) callOptions.signal = signal;
	if (options.timeout !== undefined) callOptions.timeout = options.timeout;

	let lastError: unknown;
	for (let attempt = 1; ; attempt++) {
		let failure: Failure<R>;
		try {
			const result = await attemptWithin(
				client.callTool(call, undefined, callOptions),
				signal,
				options.timeout,
			);
			if (!mcpRetryable({ result })) return result;
			failure = { result };
		} catch (error) {
			if (signal?.aborted) throw unknown(key, params.name, attempt, 'aborted', error);
			if (!mcpRetryable({ error })) throw error;
			failure = { error };
			lastError = error;
		}
		if (attempt > retries) {
			if ('result' in failure) return failure.result;
			const timedOut = (lastError as { code?: unknown })?.code === REQUEST_TIMEOUT;
			throw unknown(key, params.name, attempt, timedOut ? 'timeout' : 'network', lastError);
		}
		await beforeNextAttempt(attempt, failure, key, params.name, options);
	}
}

/** An attempt whose outcome is unknown: the error that lost its answer, or the server's `outcome_unknown` result. */
type Failure<R> = { error: unknown } | { result: R };

/** Everything the caller gave, checked before anything is sent; the call's key and its number of retries. */
function checkedCall<R>(
	client: McpToolCaller<R>,
	params: McpCallParams,
	options: IdempotentCallOptions,
): { key: string; retries: number } {
	if (typeof options !== 'object' || options === null) {
		throw new InvalidRequestError('options must be an object.', { field: 'options' });
	}
	if (typeof (client as { callTool?: unknown } | null)?.callTool !== 'function') {
		throw new InvalidRequestError('client must be an MCP client (an object with a callTool method).', {
			field: 'client',
		});
	}
	checkCall(params, options);
	const key = callKey(params, options);
	const retries = options.retries ?? 2;
	if (!isMetaKey(key)) {
		throw new InvalidRequestError('The key must be 1 to 255 visible ASCII characters.', { field: 'key' });
	}
	if (!Number.isInteger(retries) || retries < 0) {
		throw new InvalidRequestError('retries must be a whole number, at least 0.', { field: 'retries' });
	}
	return { key, retries };
}

/**
The backoff wait, then the caller's `beforeRetry` (a reconnect). Either failing ends the call as unknown: the
attempts before may have been applied.
*/
async function beforeNextAttempt<R>(
	attempt: number,
	failure: Failure<R>,
	key: string,
	tool: string,
	options: IdempotentCallOptions,
): Promise<void> {
	const { signal, beforeRetry } = options;
	try {
		await sleep(backoffDelay(attempt - 1, options.backoff ?? DEFAULT_BACKOFF, Math.random()), signal);
		// A reconnect that hangs must not keep the caller past its signal either.
		if (beforeRetry) {
			const error = 'error' in failure ? failure.error : failure.result;
			await abortable(() => beforeRetry({ attempt, error, key }), signal);
		}
	} catch (error) {
		throw unknown(key, tool, attempt, signal?.aborted ? 'aborted' : 'network', error);
	}
}

const isDelay = (value: unknown, min: number): boolean =>
	typeof value === 'number' && Number.isInteger(value) && value >= min && value <= MAX_TIMEOUT_MS;

/**
The call's key: `options.key`, else one the caller put in `_meta` already (a key it keeps across processes must not be
replaced by a fresh one), else a fresh one. Two different keys for one call are refused.
*/
function callKey(params: McpCallParams, options: IdempotentCallOptions): string {
	const inMeta = params._meta?.[MCP_IDEMPOTENCY_KEY_META];
	if (inMeta !== undefined && options.key !== undefined && inMeta !== options.key) {
		throw new InvalidRequestError(
			`The call has two idempotency keys: options.key and _meta["${MCP_IDEMPOTENCY_KEY_META}"] differ; give one.`,
			{ field: 'key' },
		);
	}
	return options.key ?? (inMeta as string | undefined) ?? mintKey();
}

/**
One attempt, raced with the signal and the timeout: a client that honours neither (anything with a `callTool`) must
not keep the caller past them. The timeout reads as the SDK's own request timeout: the answer was lost, so the same
call is sent again.
*/
function attemptWithin<R>(
	work: Promise<R>,
	signal: AbortSignal | undefined,
	timeout: number | undefined,
): Promise<R> {
	if (timeout === undefined) return abortable(() => work, signal);
	return new Promise<R>((resolve, reject) => {
		const timer = setTimeout(
			() => reject(Object.assign(new Error(`No answer within ${timeout} ms.`), { code: REQUEST_TIMEOUT })),
			timeout,
		);
		abortable(() => work, signal)
			.then(resolve, reject)
			.finally(() => clearTimeout(timer));
	});
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

/** The rest of what the caller gave, checked before anything is sent. */
function checkCall(params: McpCallParams, options: IdempotentCallOptions): void {
	const invalid = (field: string, why: string) => new InvalidRequestError(`${field} ${why}.`, { field });
	if (typeof params?.name !== 'string' || params.name.length === 0) {
		throw invalid('name', "must be the tool's name");
	}
	const { signal } = options;
	if (signal !== undefined && !isAbortSignal(signal)) throw invalid('signal', 'must be an AbortSignal');
	for (const field of ['arguments', '_meta'] as const) {
		const value = params[field];
		if (value !== undefined && !isPlainObject(value)) throw invalid(field, 'must be an object');
	}
	for (const field of ['arguments', '_meta'] as const) {
		try {
			JSON.stringify(params[field]);
		} catch (error) {
			// Refused here, not by the transport: its failure would read as a lost answer, retried and reported as
			// "may have been applied" for a call that never left.
			throw new InvalidRequestError(
				`${field} cannot be written as JSON (a cycle, a BigInt, or a toJSON that threw).`,
				{ field, cause: error },
			);
		}
	}
	checkTimeout(options.timeout);
	const { backoff } = options;
	if (backoff !== undefined && (!isDelay(backoff?.baseDelay, 0) || !isDelay(backoff?.maxDelay, 0))) {
		throw invalid(
			'backoff',
			`must be { baseDelay, maxDelay }, whole milliseconds from 0 to ${MAX_TIMEOUT_MS}`,
		);
	}
	if (options.beforeRetry !== undefined && typeof options.beforeRetry !== 'function') {
		throw invalid('beforeRetry', 'must be a function');
	}
}

const unknown = (
	key: string,
	tool: string,
	attempts: number,
	reason: 'aborted' | 'timeout' | 'network',
	cause: unknown,
): OutcomeUnknownError =>
	new OutcomeUnknownError(
		`The MCP tool call "${tool}" got no answer after ${count(attempts, 'attempt')}; it may or may not have been applied. Call it again with the same key to find out.`,
		{ key, operation: key, attempts, reason, cause },
	);
