import { describe, expect, it } from 'vitest';
import type { RedisJournalClient } from '../../../src/journal/redis/options.js';
import { RedisJournal } from '../../../src/redis.js';
import { record } from './support.js';

/**
A client whose connection the test opens by hand: it records every command the journal hands it, so "nothing was
sent" is checked on what reached the client, not on what Redis happened to store.
*/
function handOpenedClient() {
	const sent: string[] = [];
	let onReady: (() => void) | undefined;
	const client: RedisJournalClient = {
		status: 'connecting',
		call: async (command: string) => {
			sent.push(command);
			return command === 'GET' ? null : 1;
		},
		once: (_event, listener) => {
			onReady = listener;
		},
	};
	const open = () => {
		(client as { status: string }).status = 'ready';
		onReady?.();
	};
	return { client, sent, open };
}

const calls = {
	create: (j: RedisJournal, signal: AbortSignal) => j.create(record('shop', 'op-1'), { signal }),
	get: (j: RedisJournal, signal: AbortSignal) => j.get('shop', 'op-1', { signal }),
	compareAndSet: (j: RedisJournal, signal: AbortSignal) =>
		j.compareAndSet({ ...record('shop', 'op-1'), revision: 2 }, { signal }),
	listUnfinished: (j: RedisJournal, signal: AbortSignal) => j.listUnfinished('shop', { signal }),
	now: (j: RedisJournal, signal: AbortSignal) => j.now({ signal }),
};

describe('a call waiting for the connection when its caller aborts', () => {
	it.each(Object.entries(calls))(
		'%s rejects with the signal reason and sends nothing, even once the connection opens',
		async (_name, call) => {
			const { client, sent, open } = handOpenedClient();
			const journal = new RedisJournal({ client, readyTimeoutMs: 60_000 });
			const controller = new AbortController();
			const reason = new Error('caller gave up');
			const pending = call(journal, controller.signal);
			controller.abort(reason);
			await expect(pending).rejects.toBe(reason);
			open();
			await new Promise((resolve) => setTimeout(resolve, 0));
			expect(sent).toEqual([]);
		},
	);

	it.each(Object.entries(calls))(
		'%s sends nothing when the connection opens and the caller aborts in the same turn',
		async (_name, call) => {
			const { client, sent, open } = handOpenedClient();
			const journal = new RedisJournal({ client, readyTimeoutMs: 60_000 });
			const controller = new AbortController();
			const reason = new Error('deadline passed');
			const pending = call(journal, controller.signal);
			// The wait for the connection is over by the time the abort lands: only the re-check after it stops the send.
			open();
			queueMicrotask(() => queueMicrotask(() => controller.abort(reason)));
			await expect(pending).rejects.toBe(reason);
			expect(sent).toEqual([]);
		},
	);

	it('sends the call of a caller that did not abort once the connection opens', async () => {
		const { client, sent, open } = handOpenedClient();
		const journal = new RedisJournal({ client, readyTimeoutMs: 60_000 });
		const pending = journal.get('shop', 'op-1', { signal: new AbortController().signal });
		open();
		expect(await pending).toBeUndefined();
		expect(sent).toEqual(['GET']);
	});
});
