import { describe, expect, it } from 'vitest';
import { idempotentMcpTool, MCP_IDEMPOTENCY_KEY_META } from '../../src/agent/index.js';
import { mcpIdentity } from '../../src/agent/mcp-server.js';

const input = { clientId: 'u42', classId: 'c7' };
const key = (k: string) => ({ _meta: { [MCP_IDEMPOTENCY_KEY_META]: k } });
const client = (clientId: string) => ({ authInfo: { clientId, token: 'secret-token' } });
const material = (extra: object, businessKey?: string) => mcpIdentity(input, [extra], businessKey).material;

describe('mcpIdentity: which MCP calls are one action', () => {
	it.each<[string, object, object, boolean]>([
		['the same key from one client', key('order-1'), key('order-1'), true],
		['two keys', key('order-1'), key('order-2'), false],
		[
			"two authenticated clients' equal keys",
			{ ...key('order-1'), ...client('a') },
			{ ...key('order-1'), ...client('b') },
			false,
		],
		['no key: the same input in one session', { sessionId: 's1' }, { sessionId: 's1' }, true],
		['no key: the same input in two sessions', { sessionId: 's1' }, { sessionId: 's2' }, false],
		// A server without sessions (stateless HTTP): the authenticated client keeps two clients' calls apart.
		['no key, no session: the same input from two authenticated clients', client('a'), client('b'), false],
		['no key, no session: the same input from one authenticated client', client('a'), client('a'), true],
	])('%s', (_, first, second, same) => {
		expect(material(first) === material(second)).toBe(same);
	});

	it('names the action by the business key before any key in _meta', () => {
		expect(mcpIdentity(input, [key('order-1')], 'book:u42:c7')).toMatchObject({
			kind: 'key',
			material: 'book:u42:c7',
		});
		expect(mcpIdentity(input, [key('order-1')], undefined).kind).toBe('mcp-key');
		expect(mcpIdentity(input, [{}], undefined).kind).toBe('intent');
	});

	it('never puts the bearer token in the material', () => {
		expect(material({ ...key('order-1'), ...client('a') })).not.toContain('secret-token');
		expect(material(client('a'))).not.toContain('secret-token');
	});
});

describe('idempotentMcpTool: a business key function that throws', () => {
	it('tells the client the call was invalid, without the exception text, and runs nothing', async () => {
		let runs = 0;
		const handler = idempotentMcpTool(
			async () => {
				runs++;
				return { content: [] };
			},
			{
				name: 'book',
				key: () => {
					throw new Error('db password=hunter2');
				},
			},
		);
		const result = await handler(input, {});
		expect(result).toMatchObject({
			isError: true,
			structuredContent: { status: 'failed', code: 'invalid_request', reason: 'key' },
		});
		expect(JSON.stringify(result)).not.toContain('hunter2');
		expect(runs).toBe(0);
	});
});
