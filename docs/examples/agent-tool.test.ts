import { expect, it, vi } from 'vitest';
import { mockApi } from './mock-api.js';

const serve = mockApi();
const args = { clientId: 'u42', classId: 'c7' };

it('a tool call run twice books once; a run in a fresh process sends the same key', async () => {
	const state = serve();
	const { bookClass } = await import('./agent-tool.js');
	const first = await bookClass(args, { toolCallId: 'call_1' });
	const again = await bookClass(args, { toolCallId: 'call_1' });
	vi.resetModules(); // a new process: a new client with an empty MemoryJournal
	const elsewhere = await (await import('./agent-tool.js')).bookClass(args, { toolCallId: 'call_1' });
	expect(first).toMatchObject({ ok: true, alreadyDone: false });
	expect(again).toMatchObject({ ok: true, alreadyDone: true });
	expect(elsewhere).toMatchObject({ ok: true, alreadyDone: true });
	expect(state.requests.map((r) => r.key)).toEqual([state.requests[0]?.key, state.requests[0]?.key]);
	expect(state.effectCount).toBe(1);
});

it('a different tool call is a different booking request', async () => {
	const state = serve();
	const { bookClass } = await import('./agent-tool.js');
	await bookClass(args, { toolCallId: 'call_2' });
	await bookClass(args, { toolCallId: 'call_3' });
	expect(state.effectCount).toBe(2);
});

it('reports a rejection to the model as data, not as an exception', async () => {
	serve({ faults: [{ status: 422, body: { error: 'class_full' } }] });
	const { bookClass } = await import('./agent-tool.js');
	await expect(bookClass(args, { toolCallId: 'call_4' })).resolves.toMatchObject({
		ok: false,
		error: 'rejected',
		retrySameCall: false,
	});
});
