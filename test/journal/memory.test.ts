import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InvalidRequestError } from '../../src/errors/classes.js';
import { newClaimedRecord, newRecord, settled } from '../../src/journal/lifecycle.js';
import { DEFAULT_MAX_FINISHED_RECORDS, MemoryJournal } from '../../src/journal/memory.js';
import type { RequestSnapshot } from '../../src/journal/record.js';
import { runJournalConformance } from '../../src/testing/index.js';

/** What the client passes to newRecord for a POST of operation `operation` at `now`. */
const input = (operation: string, now = 1, request?: RequestSnapshot) => ({
	scope: 's',
	operation,
	key: `k-${operation}`,
	fingerprint: 'fp',
	method: 'POST',
	path: '/bookings',
	now,
	retentionMs: undefined,
	keepMs: 1_000,
	request,
});

runJournalConformance('MemoryJournal', () => new MemoryJournal(), {
	describe,
	it,
	expect,
	beforeEach,
	afterEach,
});

describe('MemoryJournal isolation', () => {
	const request = () => ({
		url: 'https://api.example.test/v1/bookings',
		headers: [['content-type', 'application/json']] as [string, string][],
		body: btoa('{"classId":"yoga"}'),
	});
	const record = (req = request()) => newRecord(input('op', 1, req));

	it('keeps its own copy of a part the caller froze only shallowly', async () => {
		const journal = new MemoryJournal();
		const req = Object.freeze(request());
		await journal.create(record(req));
		req.headers.push(['x-later', '1']);
		const [header] = req.headers;
		if (header) header[1] = 'text/plain';
		expect((await journal.get('s', 'op'))?.request?.headers).toEqual([['content-type', 'application/json']]);
	});

	it('hands out records that cannot be changed, down to nested headers', async () => {
		const journal = new MemoryJournal();
		await journal.create(record());
		const headers = (await journal.get('s', 'op'))?.request?.headers as [string, string][] | undefined;
		expect(headers).toHaveLength(1);
		expect(() => headers?.push(['x', '1'])).toThrow(TypeError);
		expect((await journal.get('s', 'op'))?.request?.headers).toHaveLength(1);
	});
});

describe('MemoryJournal memory', () => {
	const make = (operation: string, now: number) => newRecord(input(operation, now));

	it('forgets finished records past their retention on its own as new ones come in; unfinished ones stay', async () => {
		const journal = new MemoryJournal();
		for (let i = 0; i < 999; i++) {
			const record = await journal.create(make(`old-${i}`, 0));
			expect(await journal.compareAndSet(settled(record, 'succeeded', 2))).toBe(true);
		}
		await journal.create(make('old-interrupted', 0));
		for (let i = 0; i < 1_100; i++) await journal.create(make(`new-${i}`, 5_000));
		expect(journal.size).toBe(1 + 1_100);
		expect(await journal.get('s', 'old-interrupted')).toBeDefined();
		expect(await journal.get('s', 'old-0')).toBeUndefined();
	});
});

describe('MemoryJournal bounded by count', () => {
	const started = (journal: MemoryJournal, operation: string) =>
		journal.create(newClaimedRecord(input(operation)));
	const finish = async (journal: MemoryJournal, operation: string) => {
		const record = await journal.get('s', operation);
		if (!record) throw new Error(`no record ${operation}`);
		expect(await journal.compareAndSet(settled(record, 'succeeded', 2))).toBe(true);
	};
	const held = async (journal: MemoryJournal, operations: string[]) => {
		const found = await Promise.all(operations.map((op) => journal.get('s', op)));
		return operations.filter((_, i) => found[i] !== undefined);
	};

	it('keeps at most maxFinishedRecords finished records, forgetting the one that finished longest ago', async () => {
		const journal = new MemoryJournal({ maxFinishedRecords: 2 });
		for (const op of ['a', 'b', 'c']) await started(journal, op);
		// Finished in another order than created: the bound follows the order they finished in.
		for (const op of ['c', 'a', 'b']) await finish(journal, op);
		expect(journal.size).toBe(2);
		expect(await held(journal, ['a', 'b', 'c'])).toEqual(['a', 'b']);
	});

	it('never forgets an unfinished record, even when they alone exceed the bound', async () => {
		const journal = new MemoryJournal({ maxFinishedRecords: 1 });
		const unfinished = ['u1', 'u2', 'u3'];
		for (const op of unfinished) await started(journal, op);
		for (const op of ['f1', 'f2', 'f3']) {
			await started(journal, op);
			await finish(journal, op);
		}
		expect(journal.size).toBe(3 + 1);
		expect(await held(journal, [...unfinished, 'f1', 'f2', 'f3'])).toEqual([...unfinished, 'f3']);
		expect((await journal.listUnfinished('s')).map((r) => r.operation)).toEqual(unfinished);
	});

	it('over thousands of writes keeps exactly the records that finished last, whatever finished again or reopened', async () => {
		const max = 20;
		const journal = new MemoryJournal({ maxFinishedRecords: max });
		// The model: ids in the order they (last) began to be finished; a finished record written again keeps its place.
		const order: string[] = [];
		const unfinished: string[] = [];
		let seed = 7;
		const pick = (n: number) => {
			seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
			return seed % n;
		};
		const write = async (operation: string, state: 'succeeded' | 'unknown') => {
			const record = await journal.get('s', operation);
			if (!record) throw new Error(`no record ${operation}`);
			expect(await journal.compareAndSet(settled(record, state, 2))).toBe(true);
		};
		for (let i = 0; i < 3_000; i++) {
			await started(journal, `op-${i}`);
			unfinished.push(`op-${i}`);
			const [done] = unfinished.splice(pick(unfinished.length), 1) as [string];
			await write(done, 'succeeded');
			order.push(done);
			if (order.length > max) order.shift();
			const roll = pick(4);
			if (roll === 0) await write(order[pick(order.length)] as string, 'succeeded');
			if (roll === 1) {
				// Reopened (its outcome in doubt again): it leaves the order, and goes to its back once it finishes anew.
				const [reopened] = order.splice(pick(order.length), 1) as [string];
				await write(reopened, 'unknown');
				unfinished.push(reopened);
			}
		}
		expect(journal.size).toBe(order.length + unfinished.length);
		expect(await held(journal, order)).toEqual(order);
		expect(await held(journal, unfinished)).toEqual(unfinished);
	});

	it(`keeps ${DEFAULT_MAX_FINISHED_RECORDS} finished records by default`, async () => {
		const journal = new MemoryJournal();
		// Created finished, all within their retention: only the count bound can drop one.
		for (let i = 0; i <= DEFAULT_MAX_FINISHED_RECORDS; i++) {
			await journal.create(settled(newRecord(input(`op-${i}`, 1)), 'succeeded', 1));
		}
		expect(journal.size).toBe(DEFAULT_MAX_FINISHED_RECORDS);
		expect(await journal.get('s', 'op-0')).toBeUndefined();
		expect(await journal.get('s', 'op-1')).toBeDefined();
	});

	it.each([0, -1, 1.5, Number.NaN, '10'])('refuses maxFinishedRecords %s, naming the option', (value) => {
		expect(() => new MemoryJournal({ maxFinishedRecords: value as number })).toThrow(InvalidRequestError);
		expect(() => new MemoryJournal({ maxFinishedRecords: value as number })).toThrow(/maxFinishedRecords/);
	});
});

describe('MemoryJournal with many operations in flight', () => {
	const inflight = (operation: string) => newClaimedRecord(input(operation));

	it('answers every write even while a test has fake timers installed', async () => {
		vi.useFakeTimers();
		try {
			const journal = new MemoryJournal();
			const created = await Promise.all(['a', 'b', 'c'].map((op) => journal.create(inflight(op))));
			const answers: string[] = [];
			await Promise.all(
				created.map((record) =>
					journal
						.compareAndSet(settled(record, 'succeeded', 2))
						.then((ok) => answers.push(`${record.operation}:${ok}`)),
				),
			);
			expect(answers.sort()).toEqual(['a:true', 'b:true', 'c:true']);
			expect((await journal.listUnfinished('s')).length).toBe(0);
		} finally {
			vi.useRealTimers();
		}
	});
});
