import { isAbortSignal } from '../utils/input.js';
import type { ToolCallInfo } from './types.js';

type Bag = Record<string, unknown>;

const bag = (value: unknown): Bag | undefined =>
	typeof value === 'object' && value !== null ? (value as Bag) : undefined;
const text = (value: unknown): string | undefined =>
	typeof value === 'string' && value.length > 0 ? value : undefined;
const abortSignal = (value: unknown): AbortSignal | undefined => (isAbortSignal(value) ? value : undefined);

/**
Reads a tool call's identity out of what the framework passed after the input, without importing any framework:

- AI SDK: `execute(input, { toolCallId, abortSignal, ... })`;
- OpenAI Agents SDK: `execute(input, runContext, { toolCall: { callId }, signal })`;
- MCP server: `handler(input, { signal, sessionId, _meta, requestId, ... })` (its JSON-RPC request id is not an
  identity: a retried request gets a new one).
*/
export function callInfo(tool: string, context: readonly unknown[]): ToolCallInfo {
	const first = bag(context[0]);
	const second = bag(context[1]);
	const callId = text(first?.toolCallId) ?? text(bag(second?.toolCall)?.callId);
	const signal = abortSignal(first?.abortSignal) ?? abortSignal(second?.signal) ?? abortSignal(first?.signal);
	return { tool, callId, sessionId: mcpSessionId(context), signal, context };
}

/** The MCP session's id (`extra.sessionId`), when the transport has sessions. */
export const mcpSessionId = (context: readonly unknown[]): string | undefined =>
	text(bag(context[0])?.sessionId);

/** The MCP request's `_meta` (the second argument of an MCP tool handler), when there is one. */
export const mcpMeta = (context: readonly unknown[]): Bag | undefined => bag(bag(context[0])?._meta);

/** The authenticated MCP client's id (`extra.authInfo.clientId`), when the server authenticates clients. */
export const mcpClientId = (context: readonly unknown[]): string | undefined =>
	text(bag(bag(context[0])?.authInfo)?.clientId);
