// The MCP TypeScript SDK (`@modelcontextprotocol/sdk`): a real McpServer and Client over its in-memory transport, the
// tool booking a class on the emulator (real loopback HTTP) through the idemkey client. A lossy link between them
// drops answers; the client times out and calls again with the same key in `_meta`.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { idempotentCallTool, idempotentMcpTool, MCP_IDEMPOTENCY_KEY_META } from '../../../src/agent/index.js';
import { MemoryJournal } from '../../../src/index.js';
import { type BookingApi, type BookingInput, bookingApi } from './booking-api.js';

const input: BookingInput = { clientId: 'u42', classId: 'c7' };
const inputSchema = { clientId: z.string(), classId: z.string() };

let api: BookingApi | undefined;
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
	for (const close of closers.splice(0)) await close();
	await api?.close();
	api = undefined;
});

type Handler = 'idempotentMcpTool' | 'plain handler';

/** An MCP server with the booking tool, wrapped or plain, over one journal; counts how often the booking ran. */
function bookingServer(booking: BookingApi, handler: Handler, journal = new MemoryJournal()) {
	const runs = { count: 0 };
	const server = new McpServer({ name: 'bookings', version: '1.0.0' });
	const asResult = (value: unknown) => ({
		content: [{ type: 'text' as const, text: JSON.stringify(value) }],
		structuredContent: value as Record<string, unknown>,
	});
	server.registerTool(
		'book_class',
		{ description: 'Book a class for a client', inputSchema },
		handler === 'plain handler'
			? async (args: BookingInput) => {
					runs.count++;
					return asResult(await booking.book(args));
				}
			: idempotentMcpTool(
					async (args: BookingInput, ids) => {
						runs.count++;
						return asResult(await booking.book(args, ids));
					},
					{ name: 'book_class', journal },
				),
	);
	return { server, runs };
}

/** Connects a client to `server` through a link that drops the server's first `drop` tool results. */
async function connect(server: McpServer, options: { drop?: number; sessionId?: string } = {}) {
	const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
	if (options.sessionId) serverSide.sessionId = options.sessionId;
	let drops = options.drop ?? 0;
	const toolCalls: JSONRPCMessage[] = [];
	const send = serverSide.send.bind(serverSide);
	serverSide.send = async (message, sendOptions) => {
		if (drops > 0 && 'result' in message && Array.isArray(message.result.content)) {
			drops--;
			return; // the answer is lost on the way back
		}
		return send(message, sendOptions);
	};
	const deliver = clientSide.send.bind(clientSide);
	clientSide.send = async (message, sendOptions) => {
		if ('method' in message && message.method === 'tools/call') toolCalls.push(message);
		return deliver(message, sendOptions);
	};
	const client = new Client({ name: 'agent', version: '1.0.0' });
	await server.connect(serverSide);
	await client.connect(clientSide);
	closers.push(async () => {
		await client.close();
		await server.close();
	});
	return { client, toolCalls };
}

const metaKeys = (calls: JSONRPCMessage[]) =>
	calls.map(
		(call) =>
			(call as { params: { _meta?: Record<string, unknown> } }).params._meta?.[MCP_IDEMPOTENCY_KEY_META],
	);

describe('MCP: the client retries a call whose answer was lost', () => {
	// Generous per-attempt timeout: only the dropped answer ever waits for it.
	const retry = { timeout: 1_000, retries: 3, backoff: { baseDelay: 1, maxDelay: 1 } };

	it('with the same key in _meta: the server answers the retry from its journal; one booking, and the client gets it', async () => {
		api = await bookingApi(['503-before']); // a fault the idemkey client absorbs by itself
		const { server, runs } = bookingServer(api, 'idempotentMcpTool');
		const { client, toolCalls } = await connect(server, { drop: 1 });

		const result = await idempotentCallTool(client, { name: 'book_class', arguments: input }, retry);

		expect(result.structuredContent).toMatchObject({ id: 'b1', status: 'confirmed' });
		// Two attempts (more only if a machine stalls past the timeout), every one under the same key.
		expect(toolCalls.length).toBeGreaterThanOrEqual(2);
		const keys = metaKeys(toolCalls);
		expect(keys[0]).toEqual(expect.any(String));
		expect(new Set(keys)).toEqual(new Set([keys[0]]));
		expect(runs.count).toBe(1);
		expect(api.effects()).toEqual({ 'u42:c7': 1 });
	});

	it('control: a plain handler books again on the retry', async () => {
		api = await bookingApi(['503-before']);
		const { server } = bookingServer(api, 'plain handler');
		const { client } = await connect(server, { drop: 1 });
		await idempotentCallTool(client, { name: 'book_class', arguments: input }, retry);
		expect(api.effects()).toEqual({ 'u42:c7': 2 });
	});
});

describe('MCP: the key in _meta names the action', () => {
	it('two calls with different keys are two actions, even with the same input', async () => {
		api = await bookingApi();
		const { server } = bookingServer(api, 'idempotentMcpTool');
		const { client } = await connect(server);
		await idempotentCallTool(client, { name: 'book_class', arguments: input }, { key: 'order-1' });
		await idempotentCallTool(client, { name: 'book_class', arguments: input }, { key: 'order-1' });
		await idempotentCallTool(client, { name: 'book_class', arguments: input }, { key: 'order-2' });
		expect(api.effects()).toEqual({ 'u42:c7': 2 });
	});
});

describe("MCP: the tool's own answer was lost (outcome unknown)", () => {
	it('the server says outcome_unknown, the client calls again with the same key, the booking is found: applied once', async () => {
		api = await bookingApi(['drop-after-commit', 'drop-before']);
		const { server, runs } = bookingServer(api, 'idempotentMcpTool');
		const { client, toolCalls } = await connect(server);

		const result = await idempotentCallTool(
			client,
			{ name: 'book_class', arguments: input },
			{ backoff: { baseDelay: 1, maxDelay: 1 } },
		);

		expect(result.isError).toBeFalsy();
		expect(result.structuredContent).toMatchObject({ id: 'b1', status: 'confirmed' });
		expect(new Set(metaKeys(toolCalls)).size).toBe(1);
		expect(runs.count).toBe(2); // re-run under the same Idempotency-Key: the service replayed its booking
		expect(new Set(api.keysSent()).size).toBe(1);
		expect(api.effects()).toEqual({ 'u42:c7': 1 });
	});
});

describe('MCP: calls without a key', () => {
	it('are keyed by their input within the session: a repeat in one session books once, another session books again', async () => {
		api = await bookingApi();
		const journal = new MemoryJournal();
		const first = bookingServer(api, 'idempotentMcpTool', journal);
		const second = bookingServer(api, 'idempotentMcpTool', journal);
		const { client: a } = await connect(first.server, { sessionId: 'session-a' });
		const { client: b } = await connect(second.server, { sessionId: 'session-b' });

		const once = await a.callTool({ name: 'book_class', arguments: input });
		const again = await a.callTool({ name: 'book_class', arguments: input });
		await b.callTool({ name: 'book_class', arguments: input });

		expect(again.structuredContent).toEqual(once.structuredContent);
		expect(api.effects()).toEqual({ 'u42:c7': 2 });
	});

	it('an invalid key in _meta is refused before anything runs, as a result the client can read', async () => {
		api = await bookingApi();
		const { server, runs } = bookingServer(api, 'idempotentMcpTool');
		const { client } = await connect(server);
		const result = await client.callTool({
			name: 'book_class',
			arguments: input,
			_meta: { [MCP_IDEMPOTENCY_KEY_META]: 'has spaces' },
		});
		expect(result.isError).toBe(true);
		expect(result.structuredContent).toMatchObject({ status: 'failed', code: 'invalid_request' });
		expect(runs.count).toBe(0);
		expect(api.emulator.state.requests).toHaveLength(0);
	});
});
