// The `idemkey/agent` entry point: tool wrappers for agent frameworks (AI SDK, OpenAI Agents SDK, MCP). They take the
// frameworks' shapes without importing them, and use only web-standard APIs, like the core.
// The shape of IdempotentCallOptions.backoff; the retry engine it comes from is otherwise internal.
export type { BackoffOptions } from '../retry/backoff.js';
export type { IdempotentCallOptions, McpCallParams, McpToolCaller } from './mcp-client.js';
export { idempotentCallTool, mcpRetryable } from './mcp-client.js';
export type { IdempotentMcpToolOptions, McpOutcomeResult, McpToolExtra } from './mcp-server.js';
export { idempotentMcpTool, MCP_IDEMPOTENCY_KEY_META } from './mcp-server.js';
export type { ToolFunction } from './tool.js';
export { idempotentTool } from './tool.js';
export type {
	IdempotentToolOptions,
	KeyBy,
	ToolCallInfo,
	ToolFailed,
	ToolFailureStatus,
	ToolOutcome,
	ToolOutcomeUnknown,
	ToolResultNotKept,
	ToolRunContext,
} from './types.js';
