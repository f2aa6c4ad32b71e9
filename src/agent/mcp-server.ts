import { InvalidRequestError } from '../errors/classes.js';
import { canonicalJson } from '../keys/canonical-json.js';
import { callInfo, mcpClientId, mcpMeta, mcpSessionId } from './call-info.js';
import type { Identity } from './ids.js';
import { toolSettings } from './options.js';
import { classify } from './outcome.js';
import { businessKey, deliver, runTool, type ToolFunction } from './tool.js';
import type { IdempotentToolOptions, ToolOutcome } from './types.js';

/**
The `_meta` field of an MCP `tools/call` request that carries the caller's idempotency key:
`{ "_meta": { "idemkey/idempotency-key": "<key>" } }`. Retrying a call with the same key never applies it twice.
*/
export const MCP_IDEMPOTENCY_KEY_META = 'idemkey/idempotency-key';

/** The longest key accepted in `_meta`; visible ASCII only. */
const MAX_META_KEY = 255;
const META_KEY_PATTERN = /^[\x21-\x7e]+$/;

/** Whether a value is a key the `_meta` field can carry; the client checks its own keys the same way. */
export const isMetaKey = (value: unknown): value is string =>
	typeof value === 'string' && value.length <= MAX_META_KEY && META_KEY_PATTERN.test(value);

/** What an MCP tool handler gets besides its input: the part of the SDK's `RequestHandlerExtra` idemkey reads. */
export type McpToolExtra = {
	signal?: AbortSignal | undefined;
	sessionId?: string | undefined;
	_meta?: Record<string, unknown> | undefined;
	authInfo?: { clientId?: string | undefined } | undefined;
};

/** A `CallToolResult` with an outcome the model can read instead of the tool's result. */
export type McpOutcomeResult = {
	content: { type: 'text'; text: string }[];
	structuredContent: ToolOutcome;
	/** `false` only for `result_not_kept`: the action was done, only its result is missing. */
	isError: boolean;
};

/** Options of {@link idempotentMcpTool}: those of `idempotentTool` but `keyBy` and `runId` (MCP decides those). */
export type IdempotentMcpToolOptions<I> = Omit<IdempotentToolOptions<I>, 'keyBy' | 'runId'>;

/**
Wraps an MCP tool handler (`McpServer.registerTool(name, config, handler)`) so each action is applied once. The
action is named by, in order: a business key (`options.key`); the key the client put in the request's `_meta` under
{@link MCP_IDEMPOTENCY_KEY_META} (per authenticated client, so two clients' keys never meet); else the tool and its
canonical input within the MCP session (and authenticated client). Outcomes other than a result come back as a `CallToolResult` with
`isError: true` and the {@link ToolOutcome} as `structuredContent` (and as JSON text).
*/
export function idempotentMcpTool<I, R>(
	fn: ToolFunction<I, R>,
	options: IdempotentMcpToolOptions<I>,
): (input: I, extra: McpToolExtra) => Promise<R | McpOutcomeResult> {
	if (typeof fn !== 'function') {
		throw new InvalidRequestError('idempotentMcpTool needs the handler as its first argument.', {
			field: 'fn',
		});
	}
	const settings = toolSettings(options, true);
	return async (input, extra) => {
		const context = [extra];
		const call = callInfo(settings.name, context);
		let identity: Identity;
		try {
			identity = mcpIdentity(input, context, settings.key ? businessKey(settings, input, call) : undefined);
		} catch (error) {
			// A bad key from the client is the client's mistake: tell it, as a result, and run nothing.
			if (!(error instanceof InvalidRequestError) || settings.throwOn.has('failed')) throw error;
			const outcome = classify(error, { operation: '', key: '' }, false)?.outcome as ToolOutcome;
			return asResult(outcome);
		}
		const { result } = await runTool(settings, fn, input, identity, call);
		const value = deliver(result, settings);
		return isOutcome(result, value) ? asResult(value as ToolOutcome) : (value as R);
	};
}

/** The action an MCP call names; pure. */
export function mcpIdentity(
	input: unknown,
	context: readonly unknown[],
	businessKey: string | undefined,
): Identity {
	// Already checked by businessKey().
	if (businessKey !== undefined) return { kind: 'key', material: businessKey, label: undefined };
	const meta = mcpMeta(context);
	const given = meta?.[MCP_IDEMPOTENCY_KEY_META];
	if (given !== undefined) {
		if (!isMetaKey(given)) {
			throw new InvalidRequestError(
				`The idempotency key in _meta["${MCP_IDEMPOTENCY_KEY_META}"] must be 1 to ${MAX_META_KEY} visible ASCII characters.`,
				{ field: `_meta.${MCP_IDEMPOTENCY_KEY_META}` },
			);
		}
		return { kind: 'mcp-key', material: `${mcpClientId(context) ?? ''}\u0000${given}`, label: undefined };
	}
	// Within the session and, when the server authenticates clients, the client: a server without sessions (stateless
	// HTTP) would otherwise join two clients' identical calls into one, and replay one client's result to the other.
	const session = mcpSessionId(context) ?? '';
	const client = mcpClientId(context) ?? '';
	let canonical: string;
	try {
		canonical = canonicalJson(input);
	} catch (error) {
		throw new InvalidRequestError('The tool input cannot be written as JSON.', {
			field: 'input',
			cause: error,
		});
	}
	return {
		kind: 'intent',
		material: `${client}\u0000${session}\u0000${canonical}`,
		label: undefined,
		canonicalInput: canonical,
	};
}

const isOutcome = (result: { type: string }, value: unknown): boolean =>
	result.type === 'outcome' && value !== undefined;

const asResult = (outcome: ToolOutcome): McpOutcomeResult => ({
	content: [{ type: 'text', text: JSON.stringify(outcome) }],
	structuredContent: outcome,
	isError: outcome.status !== 'result_not_kept',
});
