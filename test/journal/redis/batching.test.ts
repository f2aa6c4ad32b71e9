import { describe, expect, it } from 'vitest';
import type { RedisJournalClient, RedisPipeline } from '../../../src/journal/redis/options.js';
import { RedisJournal } from '../../../src/redis.js';
import { journalError } from './support.js';

type Sent = { commands: string[]; answer: (results: [Error | null, unknown][]) => void };

/** A client whose batches the test answers by hand: what left together, in which order, and when. */
function batchingClient() {
	const batches: Sent[] = [];
	const client: RedisJournalClient & { status: string } = {
		status: 'ready',
		call: () => Promise.reject(new Error('sent outside a batch')),
		once: () => {},
		pipeline: (): RedisPipeline => {
			const commands: string[] = [];
			return {
				call: (command, ...args) => commands.push([command, ...args].join(' ')),
				exec: () => new Promise((answer) => batches.push({ commands, answer })),
			};
		},
	};
	return { client, batches };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('commands batched per event-loop turn', () => {
	it('sends the commands of one turn together in call order, each answered on its own', async () => {
		const { client, batches } = batchingClient();
		const journal = new RedisJournal({ client, prefix: 'p:' });
		const first = journal.get('shop', 'op-1');
		const second = journal.get('shop', 'op-2');
		const clock = journal.now();
		await turn();
		expect(batches.map((b) => b.commands)).toEqual([['GET p:{shop}:r:op-1', 'GET p:{shop}:r:op-2', 'TIME']]);
		batches[0]?.answer([
			[null, null],
			[new Error('WRONGTYPE Operation against a key holding the wrong kind of value'), null],
			[null, ['1700000000', '250000']],
		]);
		expect(await first).toBeUndefined();
		expect((await journalError(second)).message).toMatch(/WRONGTYPE/);
		expect(await clock).toBe(1_700_000_000_250);
	});

	it("sends a later turn's batch while the earlier one is still unanswered", async () => {
		const { client, batches } = batchingClient();
		const journal = new RedisJournal({ client, prefix: 'p:' });
		const first = journal.get('shop', 'op-1');
		await turn();
		const second = journal.get('shop', 'op-2');
		await turn();
		// ioredis's auto-pipelining would hold op-2 until op-1's batch is answered: Redis would idle meanwhile.
		expect(batches.map((b) => b.commands)).toEqual([['GET p:{shop}:r:op-1'], ['GET p:{shop}:r:op-2']]);
		batches[1]?.answer([[null, null]]);
		batches[0]?.answer([[null, null]]);
		expect(await Promise.all([first, second])).toEqual([undefined, undefined]);
	});

	it('sends nothing, failing each call, when the connection drops before its turn ends', async () => {
		const { client, batches } = batchingClient();
		const journal = new RedisJournal({ client, prefix: 'p:' });
		const calls = [journal.get('shop', 'op-1'), journal.now()];
		client.status = 'reconnecting';
		for (const call of calls) {
			expect((await journalError(call)).message).toMatch(/Redis is unreachable.*nothing was sent to Redis/);
		}
		expect(batches).toEqual([]);
	});
});
