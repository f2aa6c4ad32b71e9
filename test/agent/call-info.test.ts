import { describe, expect, it } from 'vitest';
import { callInfo, mcpClientId, mcpMeta } from '../../src/agent/call-info.js';

const signal = new AbortController().signal;

describe('callInfo: the call identity in what each framework passes after the input', () => {
	it.each([
		[
			'AI SDK options',
			[{ toolCallId: 'call_a', abortSignal: signal, messages: [] }],
			'call_a',
			signal,
			undefined,
		],
		[
			'OpenAI Agents SDK (runContext, details)',
			[{ context: {} }, { toolCall: { type: 'function_call', callId: 'call_b', name: 't' }, signal }],
			'call_b',
			signal,
			undefined,
		],
		['OpenAI Agents SDK without details', [{ context: {} }], undefined, undefined, undefined],
		[
			'MCP extra (requestId is not an identity)',
			[{ signal, requestId: 7, sessionId: 's1' }],
			undefined,
			signal,
			's1',
		],
		['nothing', [], undefined, undefined, undefined],
		['an empty call id', [{ toolCallId: '' }], undefined, undefined, undefined],
		['a call id that is not a string', [{ toolCallId: 42 }], undefined, undefined, undefined],
		['null context', [null, null], undefined, undefined, undefined],
	])('%s', (_, context, callId, expectedSignal, sessionId) => {
		const info = callInfo('book', context);
		expect(info).toEqual({ tool: 'book', callId, signal: expectedSignal, sessionId, context });
	});

	it("reads MCP's _meta and authenticated client id", () => {
		const extra = { _meta: { k: 'v' }, authInfo: { clientId: 'client-9', token: 't' } };
		expect(mcpMeta([extra])).toEqual({ k: 'v' });
		expect(mcpClientId([extra])).toBe('client-9');
		expect(mcpMeta([{}])).toBeUndefined();
		expect(mcpClientId([{ authInfo: {} }])).toBeUndefined();
	});
});
