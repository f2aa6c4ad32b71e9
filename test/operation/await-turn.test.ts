import { describe, expect, it } from 'vitest';
import { InProgressError } from '../../src/index.js';
import { newLeasedRecord } from '../../src/journal/lease.js';
import { awaitTurn } from '../../src/operation/await-turn.js';
import type { JournalPort } from '../../src/operation/journal-io.js';

const NOW = 1_000_000;

/** A record another client holds, its lease live for a minute on. */
const heldByOther = newLeasedRecord(
	{
		scope: 'default',
		operation: 'order-1',
		key: 'key-1',
		fingerprint: 'f',
		method: 'POST',
		path: '/orders',
		now: NOW,
		retentionMs: undefined,
		keepMs: 60_000,
	},
	{ owner: 'other-client', until: NOW + 60_000 },
);

/** A journal that only says the time and that the other owner is alive: the wait's deadline decides. */
const port = {
	now: async () => NOW,
	ownerGone: async () => false,
	subscribe: () => undefined,
	read: async () => heldByOther,
} as unknown as JournalPort;

describe("awaitTurn: a wait past its deadline on another client's lease", () => {
	it.each([
		[0, /this call waited for its outcome until its deadline \(retry\.maxRetryTime\) and sent nothing\./],
		[1, /this call sent 1 attempt of it, found that client's claim, then waited .* and sent nothing more\./],
		[3, /this call sent 3 attempts of it, found that client's claim, then waited .* and sent nothing more\./],
	])('having sent %i attempts of its own before it waited, says so: %s', async (attempts, said) => {
		const error = await awaitTurn(heldByOther, {
			port,
			owner: 'this-client',
			subject: { key: 'key-1', operation: 'order-1', method: 'POST', url: 'https://api.test/orders' },
			signal: undefined,
			deadline: NOW,
			now: () => NOW,
			random: () => 0.5,
			attempts,
		}).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(InProgressError);
		const { message } = error as InProgressError;
		expect(message).toMatch(said);
		expect(message.includes('sent nothing.')).toBe(attempts === 0);
		expect((error as InProgressError).attempts).toBe(attempts);
		expect((error as InProgressError).key).toBe('key-1');
	});
});
