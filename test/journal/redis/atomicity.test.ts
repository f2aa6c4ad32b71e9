import { describe, expect, it } from 'vitest';
import { claimed, settled } from '../../../src/journal/lifecycle.js';
import type { JournalRecord } from '../../../src/journal/record.js';
import { RedisJournal } from '../../../src/redis.js';
import { record, useRedis } from './support.js';

const { client, journal } = useRedis();

/** Journals on separate connections: Redis interleaves their scripts, so only the scripts' atomicity keeps order. */
const racers = (count: number) => {
	const { prefix } = journal();
	return Array.from({ length: count }, () => new RedisJournal({ client: client(), prefix }));
};

describe('Lua atomicity across connections', () => {
	it('lets one of 8 connections racing to create an operation win, round after round, and hands every loser its key', async () => {
		const journals = racers(8);
		for (let round = 0; round < 25; round++) {
			const candidates = journals.map(() => record('shop', `op-${round}`));
			const answers = await Promise.all(journals.map((j, i) => j.create(candidates[i] as JournalRecord)));
			const keys = new Set(answers.map((a) => a.key));
			expect(keys.size, `round ${round}: distinct keys handed out`).toBe(1);
			expect(candidates.some((c) => c.key === answers[0]?.key)).toBe(true);
			expect((await journals[0]?.get('shop', `op-${round}`))?.key).toBe(answers[0]?.key);
		}
	});

	it('accepts exactly one compare-and-set per revision while 8 connections keep claiming and settling one record', async () => {
		const journals = racers(8);
		const first = record('shop', 'hot');
		await journals[0]?.create(first);
		const won: number[] = [];
		// Each writer reads, moves the record one step (claim or settle) and tries to write it, 40 times.
		await Promise.all(
			journals.map(async (j) => {
				for (let i = 0; i < 40; i++) {
					const current = (await j.get('shop', 'hot')) as JournalRecord;
					const next =
						current.state === 'inflight'
							? settled(current, i % 3 === 0 ? 'succeeded' : 'unknown', current.updatedAt + 1)
							: claimed(current, current.updatedAt + 1);
					if (await j.compareAndSet(next)) won.push(next.revision);
				}
			}),
		);
		const final = (await journals[0]?.get('shop', 'hot')) as JournalRecord;
		// A GET-then-SET would let two writers from one revision both win: a revision would repeat, or go missing.
		expect(won.slice().sort((a, b) => a - b)).toEqual(Array.from({ length: won.length }, (_, i) => i + 2));
		expect(final.revision).toBe(1 + won.length);
		expect(won.length).toBeGreaterThan(8);
		// The indexes were written in the same scripts: they agree with the record however the writers interleaved.
		const unfinished = await journals[1]?.listUnfinished('shop');
		expect(unfinished?.map((r) => r.revision)).toEqual(final.state === 'succeeded' ? [] : [final.revision]);
	});

	it('keeps every record and its index entry when 8 connections create and finish 200 operations at once', async () => {
		const journals = racers(8);
		await Promise.all(
			Array.from({ length: 200 }, async (_, i) => {
				const j = journals[i % 8] as RedisJournal;
				const created = await j.create(record('bulk', `op-${i}`));
				if (i % 2 === 0) {
					const claim = claimed(created, created.createdAt + 1);
					await j.compareAndSet(claim);
					await j.compareAndSet(settled(claim, 'succeeded', claim.updatedAt + 1));
				}
			}),
		);
		const unfinished = (await journals[3]?.listUnfinished('bulk')) ?? [];
		expect(unfinished.map((r) => r.operation).sort()).toEqual(
			Array.from({ length: 100 }, (_, i) => `op-${2 * i + 1}`).sort(),
		);
	});
});
