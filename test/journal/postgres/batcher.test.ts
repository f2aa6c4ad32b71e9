import { describe, expect, it } from 'vitest';
import { JournalError } from '../../../src/errors/classes.js';
import {
	type AfterFailure,
	afterFailure,
	CONFLICT_ROUNDS,
} from '../../../src/journal/postgres/batch-failure.js';
import { Batcher, type Entry, nextBatch } from '../../../src/journal/postgres/batcher.js';
import { connectionBroke } from '../../../src/journal/postgres/failures.js';

/** Queued calls written `kind:key`: `c:a` is a create of row a. */
const queue = (...calls: string[]) =>
	calls.map((call) => {
		const [kind, key] = call.split(':');
		return { kind: kind as string, key: key as string, call };
	});

describe('nextBatch (which queued calls go out together)', () => {
	it.each([
		[[], 64, []],
		[['c:a'], 64, ['c:a']],
		[['c:a', 'c:b', 'c:c'], 64, ['c:a', 'c:b', 'c:c']],
		// The oldest call's kind goes; the other kind waits for the next statement.
		[['s:a', 'c:b', 's:c', 'c:d'], 64, ['s:a', 's:c']],
		// Never two calls of one row in a statement: the later waits, and calls behind it still go.
		[['c:a', 'c:a', 'c:b', 'c:a'], 64, ['c:a', 'c:b']],
		// Across kinds a row may appear once per statement of its kind.
		[['c:a', 's:a', 'c:b'], 64, ['c:a', 'c:b']],
		[['c:a', 'c:b', 'c:c', 'c:d'], 2, ['c:a', 'c:b']],
		[['c:a', 'c:a', 'c:a', 'c:b', 'c:c'], 2, ['c:a', 'c:b']],
	])('%j, at most %i → %j', (calls, max, expected) => {
		expect(nextBatch(queue(...calls), max).map((q) => q.call)).toEqual(expected);
	});
});

describe('afterFailure (a failed batch statement: again, item by item, or everyone fails)', () => {
	it.each<[string | undefined, number, number, AfterFailure]>([
		// Deadlock and serialization failure: rolled back whole because of others; sent again, a few times.
		['40P01', 5, 1, 'again'],
		['40001', 1, CONFLICT_ROUNDS - 1, 'again'],
		['40P01', 5, CONFLICT_ROUNDS, 'alone'],
		['40P01', 1, CONFLICT_ROUNDS, 'fail'],
		// A value the server refused: some item's own fault.
		['22P02', 5, 1, 'alone'],
		['23514', 2, 1, 'alone'],
		['54000', 3, 1, 'alone'],
		['22P02', 1, 1, 'fail'],
		// The connection or the table: every item would fail the same way alone.
		['42P01', 5, 1, 'fail'],
		['42501', 5, 1, 'fail'],
		['57P01', 5, 1, 'fail'],
		['08006', 5, 1, 'fail'],
		[undefined, 5, 1, 'fail'],
		['ECONNRESET', 5, 1, 'fail'],
	])('SQLSTATE %s, %i items, round %i → %s', (code, size, round, expected) => {
		expect(afterFailure(code, size, round)).toBe(expected);
	});
});

describe('connectionBroke (whether a connection goes back to the pool after an item failed)', () => {
	const sqlError = (code: string) => Object.assign(new Error(code), { code });
	it.each([
		[sqlError('22P02'), false],
		[sqlError('40P01'), false],
		[new JournalError('a row that is not a record'), false],
		[sqlError('57P01'), true],
		[sqlError('08006'), true],
		[sqlError('ECONNRESET'), true],
		[new Error('Connection terminated unexpectedly'), true],
	])('%s → %s', (error, expected) => {
		expect(connectionBroke(error)).toBe(expected);
	});
});

/** A Batcher over a drain the test steps by hand: each connection is a promise the test resolves. */
function stepped(slots = 1, maxSize = 64) {
	const sent: string[][] = [];
	const connections: (() => void)[] = [];
	const batcher = new Batcher<string>({
		slots,
		maxSize,
		drain: async (take) => {
			await new Promise<void>((resolve) => connections.push(resolve));
			for (let batch = take(); batch; batch = take()) {
				sent.push(batch.map((entry) => entry.item));
				for (const entry of batch) entry.resolve(`done ${entry.item}`);
				await Promise.resolve();
			}
		},
	});
	const connect = async () => {
		for (let i = 0; i < 10 && connections.length === 0; i++) await Promise.resolve();
		connections.shift()?.();
		await new Promise((resolve) => setImmediate(resolve));
	};
	return { batcher, sent, connect, waiting: () => connections.length };
}

describe('Batcher (coalescing concurrent calls)', () => {
	it('sends a call that finds the slot free at once, alone', async () => {
		const { batcher, sent, connect } = stepped();
		const call = batcher.submit('c', 'a', 'a', undefined);
		await connect();
		expect(await call).toBe('done a');
		expect(sent).toEqual([['a']]);
	});

	it('gathers the calls that arrive while the slot waits for its connection into one statement', async () => {
		const { batcher, sent, connect, waiting } = stepped();
		const calls = ['a', 'b', 'c'].map((key) => batcher.submit('c', key, key, undefined));
		await Promise.resolve();
		expect(waiting(), 'one slot asks for a connection, not three').toBe(1);
		await connect();
		expect(await Promise.all(calls)).toEqual(['done a', 'done b', 'done c']);
		expect(sent).toEqual([['a', 'b', 'c']]);
	});

	it('runs the batches of other kinds and repeated rows one after another on the same connection', async () => {
		const { batcher, sent, connect } = stepped();
		const calls = ['c:a', 's:a', 'c:a', 'c:b'].map((call) => {
			const [kind, key] = call.split(':') as [string, string];
			return batcher.submit(kind, key, call, undefined);
		});
		await connect();
		await Promise.all(calls);
		expect(sent).toEqual([['c:a', 'c:b'], ['s:a'], ['c:a']]);
	});

	it('lets a queued call leave with its signal, sending nothing for it', async () => {
		const { batcher, sent, connect } = stepped();
		const stop = new AbortController();
		const reason = new Error('caller left');
		const leaving = batcher.submit('c', 'a', 'a', stop.signal);
		const staying = batcher.submit('c', 'b', 'b', undefined);
		stop.abort(reason);
		await expect(leaving).rejects.toBe(reason);
		await connect();
		expect(await staying).toBe('done b');
		expect(sent).toEqual([['b']]);
	});

	it('refuses a call whose signal has already aborted, queueing nothing', async () => {
		const { batcher, waiting } = stepped();
		const reason = new Error('gone');
		await expect(batcher.submit('c', 'a', 'a', AbortSignal.abort(reason))).rejects.toBe(reason);
		await Promise.resolve();
		expect(waiting()).toBe(0);
	});

	it('keeps waiting for the answer once the call is taken, whatever its signal says', async () => {
		let finish!: () => void;
		const answered = new Promise<void>((resolve) => {
			finish = resolve;
		});
		let taken!: () => void;
		const inFlight = new Promise<void>((resolve) => {
			taken = resolve;
		});
		const batcher = new Batcher<string>({
			slots: 1,
			maxSize: 64,
			drain: async (take) => {
				const batch = take() as Entry<string>[];
				taken();
				await answered;
				for (const entry of batch) entry.resolve('written');
			},
		});
		const stop = new AbortController();
		const call = batcher.submit('c', 'a', 'a', stop.signal);
		await inFlight;
		stop.abort(new Error('too late'));
		finish();
		expect(await call).toBe('written');
	});
});
