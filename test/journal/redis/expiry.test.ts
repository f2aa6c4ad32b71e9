import { describe, expect, it } from 'vitest';
import { claimed, settled } from '../../../src/journal/lifecycle.js';
import type { JournalRecord } from '../../../src/journal/record.js';
import type { RedisJournal } from '../../../src/redis.js';
import { record, useRedis } from './support.js';

const { client, journal } = useRedis();
const GRACE_MS = 60_000;

const recordKey = (prefix: string, scope: string, operation: string) =>
	`${prefix}{${encodeURIComponent(scope)}}:r:${encodeURIComponent(operation)}`;

/** Brings a new record of `operation` to `state` through the journal, with the given retainUntil. */
async function finish(j: RedisJournal, scope: string, operation: string, retainUntil: number) {
	const created = await j.create({ ...record(scope, operation), retainUntil });
	const claim = claimed(created, created.createdAt + 1);
	expect(await j.compareAndSet(claim)).toBe(true);
	const done = settled(claim, 'succeeded', claim.updatedAt + 1);
	expect(await j.compareAndSet(done)).toBe(true);
	return done;
}

describe('record expiry (PX, on Redis time)', () => {
	it('never expires an unfinished record, and expires a finished one a grace period after retainUntil', async () => {
		const { journal: j, prefix } = journal();
		const redis = client();
		const key = recordKey(prefix, 'shop', 'op-1');
		const created = await j.create(record('shop', 'op-1'));
		expect(await redis.pttl(key), 'pending').toBe(-1);
		const claim = claimed(created, created.createdAt + 1);
		await j.compareAndSet(claim);
		expect(await redis.pttl(key), 'inflight').toBe(-1);
		const unknown = settled(claim, 'unknown', claim.updatedAt + 1);
		await j.compareAndSet(unknown);
		expect(await redis.pttl(key), 'unknown').toBe(-1);

		const retainUntil = (await j.now()) + 3_600_000;
		const again = { ...claimed(unknown, unknown.updatedAt + 1), retainUntil };
		await j.compareAndSet(again);
		expect(await redis.pttl(key), 'inflight again').toBe(-1);
		const before = await j.now();
		await j.compareAndSet(settled(again, 'succeeded', again.updatedAt + 1));
		const ttl = await redis.pttl(key);
		const after = await j.now();
		// Redis expires it at retainUntil + grace on its own clock: PTTL is that minus the time it was asked.
		expect(ttl).toBeLessThanOrEqual(retainUntil + GRACE_MS - before + 1);
		expect(ttl).toBeGreaterThanOrEqual(retainUntil + GRACE_MS - after - 1);
	});

	it('keeps a record finished after its retainUntil for the grace period, rather than dropping it as it is written', async () => {
		const { journal: j, prefix } = journal();
		const redis = client();
		const done = await finish(j, 'shop', 'late', Date.now() - 86_400_000);
		const ttl = await redis.pttl(recordKey(prefix, 'shop', 'late'));
		expect(ttl).toBeGreaterThan(GRACE_MS - 5_000);
		expect(ttl).toBeLessThanOrEqual(GRACE_MS);
		expect(await j.get('shop', 'late')).toEqual(done);
	});

	it('drops an operation from its index once Redis has expired its record, while filing later ones', async () => {
		const { journal: j, prefix } = journal();
		const redis = client();
		const finishedIndex = `${prefix}{shop}:f`;
		await finish(j, 'shop', 'expired', Date.now() - 10 * GRACE_MS);
		// What Redis does when the record's PX runs out (waiting a minute for it would prove nothing more).
		await redis.del(recordKey(prefix, 'shop', 'expired'));
		expect(await redis.zscore(finishedIndex, 'expired')).not.toBe(null);
		await finish(j, 'shop', 'next', Date.now() + 3_600_000);
		expect(await redis.zscore(finishedIndex, 'expired')).toBe(null);
		expect(await redis.zscore(finishedIndex, 'next')).not.toBe(null);
		// An expired record does not count as collected, and nothing of it is left behind.
		expect(await j.collectGarbage(Date.now() + 7_200_000)).toBe(1);
		expect(await redis.keys(`${prefix}*`)).toEqual([]);
	});
});

describe('collectGarbage across scopes', () => {
	it('collects due records in every scope of its prefix, and forgets only the scopes left empty', async () => {
		const { journal: j, prefix } = journal();
		const other = journal();
		const redis = client();
		const now = Date.now();
		for (const scope of ['a', 'b', 'c']) {
			await finish(j, scope, 'due', now - 1);
			await finish(j, scope, 'young', now + 60_000);
		}
		await j.create(record('c', 'open'));
		const theirs = await finish(other.journal, 'a', 'due', now - 1);

		expect(await j.collectGarbage(now)).toBe(3);
		for (const scope of ['a', 'b', 'c']) expect(await j.get(scope, 'due')).toBe(undefined);
		expect(await other.journal.get('a', 'due'), 'another prefix is untouched').toEqual(theirs);
		expect((await redis.smembers(`${prefix}scopes`)).sort()).toEqual(['a', 'b', 'c']);

		expect(await j.collectGarbage(now + 60_000)).toBe(3);
		// Scope c still has an unfinished record: its registration stays so that collectGarbage finds it later.
		expect(await redis.smembers(`${prefix}scopes`)).toEqual(['c']);
		expect((await j.listUnfinished('c')).map((r: JournalRecord) => r.operation)).toEqual(['open']);
		expect(await j.create(record('a', 'new'))).toBeDefined();
		expect((await redis.smembers(`${prefix}scopes`)).sort()).toEqual(['a', 'c']);
	});

	it('collects more records than one script deletes at once', async () => {
		const { journal: j } = journal();
		const now = Date.now();
		await Promise.all(Array.from({ length: 1_100 }, (_, i) => finish(j, 'many', `op-${i}`, now - 1)));
		expect(await j.collectGarbage(now)).toBe(1_100);
		expect(await j.collectGarbage(now)).toBe(0);
	});
});

describe('the clock', () => {
	it('now() is Redis TIME in epoch ms', async () => {
		const { journal: j } = journal();
		const redis = client();
		const ms = ([s, us]: [string, string]) => Number(s) * 1000 + Math.floor(Number(us) / 1000);
		const before = ms((await redis.time()) as unknown as [string, string]);
		const now = await j.now();
		const after = ms((await redis.time()) as unknown as [string, string]);
		expect(Number.isInteger(now)).toBe(true);
		expect(now).toBeGreaterThanOrEqual(before);
		expect(now).toBeLessThanOrEqual(after);
	});
});
