// docs/agent-tools.md: the booking tool on an MCP server, and an MCP client that retries it safely.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { idempotentCallTool, idempotentMcpTool } from 'idemkey/agent';
import { api, BookingInput, book, journal } from './agent-tool.js';

export function bookingServer(): McpServer {
	const server = new McpServer({ name: 'bookings', version: '1.0.0' });
	server.registerTool(
		'book_class',
		{ description: 'Book a class for a client', inputSchema: BookingInput.shape },
		// Keyed by the client's key in _meta; without one, by the input within the MCP session.
		idempotentMcpTool(
			async (input: BookingInput, ids) => {
				const booking = await book(input, ids);
				return { content: [{ type: 'text', text: JSON.stringify(booking) }], structuredContent: booking };
			},
			{ name: 'book_class', journal, scope: api.scope },
		),
	);
	return server;
}

/** The client side: the same key on every attempt, so a lost answer never books twice. */
export const bookOverMcp = (client: Client, input: BookingInput, orderId: string) =>
	idempotentCallTool(
		client,
		{ name: 'book_class', arguments: input },
		{ key: `order-${orderId}`, timeout: 10_000, retries: 2 },
	);
