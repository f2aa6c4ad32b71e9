import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../../src/errors/classes.js';
import { claimed } from '../../../src/journal/lifecycle.js';
import { RedisJournal } from '../../../src/redis.js';
import { journalError, record, useRedis } from './support.js';

const { client, journal } = useRedis();

const recordKey = (prefix: string, operation: string) => `${prefix}{shop}:r:${operation}`;

describe('values that are not records', () => {
	it('reports a foreign string under a record key from every call, naming the key, and leaves it in place', async () => {
		const { journal: j, prefix } = journal();
		const redis = client();
		// Written as an unfinished operation, then overwritten by another application.
		await j.create(record('shop', 'op-1'));
		await redis.set(recordKey(prefix, 'op-1'), 'session:abc');
		const calls = {
			get: () => j.get('shop', 'op-1'),
			create: () => j.create(record('shop', 'op-1')),
			compareAndSet: () => j.compareAndSet({ ...claimed(record('shop', 'op-1'), Date.now()) }),
			listUnfinished: () => j.listUnfinished('shop'),
		};
		for (const [name, call] of Object.entries(calls)) {
			const error = await journalError(call());
			expect(error.message, name).toContain(`at key "${recordKey(prefix, 'op-1')}"`);
			expect(error.message, name).toMatch(
				/not a usable idemkey record at key .* \(it is not JSON \(it starts "session:abc"\)\); remove or restore it/,
			);
			expect(error.operation, name).toBe('op-1');
		}
		expect(await redis.get(recordKey(prefix, 'op-1'))).toBe('session:abc');
	});

	it('reports JSON that is not a record, and a record stored under another operation, saying what is wrong', async () => {
		const { journal: j, prefix } = journal();
		const redis = client();
		await redis.set(
			recordKey(prefix, 'op-1'),
			JSON.stringify({ ...record('shop', 'op-1'), revision: 'two' }),
		);
		expect((await journalError(j.get('shop', 'op-1'))).message).toMatch(
			/revision: expected a finite number, got "two"/,
		);
		await redis.set(recordKey(prefix, 'op-2'), JSON.stringify(record('shop', 'op-9')));
		expect((await journalError(j.get('shop', 'op-2'))).message).toMatch(
			/belongs to scope "shop", operation "op-9"/,
		);
	});

	it('reports a key of another type with what to do about it', async () => {
		const { journal: j, prefix } = journal();
		const redis = client();
		await redis.hset(recordKey(prefix, 'op-1'), 'field', 'value');
		for (const call of [() => j.get('shop', 'op-1'), () => j.create(record('shop', 'op-1'))]) {
			const error = await journalError(call());
			expect(error.message).toMatch(/WRONGTYPE: a key of the journal holds a value of another type/);
			expect(error.message).toMatch(/choose another prefix or remove those keys/);
		}
		expect(await redis.type(recordKey(prefix, 'op-1'))).toBe('hash');
	});

	it('refuses to store a record the client could not read back, writing nothing', async () => {
		const { journal: j, prefix } = journal();
		const redis = client();
		const error = await journalError(j.create({ ...record('shop', 'op-1'), createdAt: Number.NaN }));
		expect(error.message).toMatch(
			/refused to create .*createdAt: expected a finite number, got NaN.*nothing was written/,
		);
		const lone = await journalError(j.create(record('shop', 'bad-\ud800')));
		expect(lone.message).toMatch(/not well-formed Unicode/);
		expect(await redis.keys(`${prefix}*`)).toEqual([]);
	});
});

describe('keys', () => {
	it('keeps two prefixes apart on one database, and writes nothing outside its own prefix', async () => {
		const redis = client();
		await redis.flushall();
		const a = journal('app-a:');
		const b = journal('app-b:');
		const mine = await a.journal.create(record('shop', 'op-1'));
		const theirs = await b.journal.create(record('shop', 'op-1'));
		expect(mine.key).not.toBe(theirs.key);
		expect((await a.journal.get('shop', 'op-1'))?.key).toBe(mine.key);
		expect((await b.journal.get('shop', 'op-1'))?.key).toBe(theirs.key);
		expect((await a.journal.listUnfinished('shop')).map((r) => r.key)).toEqual([mine.key]);
		const keys = await redis.keys('*');
		expect(keys.filter((k) => !k.startsWith('app-a:') && !k.startsWith('app-b:'))).toEqual([]);
	});

	it("puts one scope's keys under one hash tag, the scope itself, whatever characters the ids hold", async () => {
		const { journal: j, prefix } = journal();
		const redis = client();
		const scope = 'tenant {7}: "ü"';
		await j.create(record(scope, 'op:{a}'));
		const tagged = (await redis.keys(`${prefix}{*`)).map((k) => k.slice(prefix.length));
		expect(tagged.length).toBeGreaterThanOrEqual(3);
		for (const key of tagged) expect(key.startsWith(`{${encodeURIComponent(scope)}}:`)).toBe(true);
	});

	it('runs its scripts again after the server forgot them (a restart, SCRIPT FLUSH)', async () => {
		const { journal: j } = journal();
		const redis = client();
		const created = await j.create(record('shop', 'op-1'));
		await j.create(record('shop', 'op-0'));
		await redis.script('FLUSH');
		expect(await j.compareAndSet(claimed(created, created.createdAt + 1))).toBe(true);
		expect((await j.get('shop', 'op-1'))?.state).toBe('inflight');
	});
});

describe('options', () => {
	it.each([
		['no client', { client: undefined }, /client must be an ioredis client/],
		['a client without call()', { client: { status: 'ready' } }, /client must be an ioredis client/],
		['a prefix with a brace', { prefix: 'app{1}:' }, /prefix must be a string without \{ or \}/],
		['a negative readyTimeoutMs', { readyTimeoutMs: -1 }, /readyTimeoutMs must be a whole number of ms/],
	])('refuses %s with an InvalidRequestError', (_name, options, message) => {
		const make = () =>
			new RedisJournal({ client: client({ lazyConnect: true }), ...options } as ConstructorParameters<
				typeof RedisJournal
			>[0]);
		expect(make).toThrow(InvalidRequestError);
		expect(make).toThrow(message);
	});
});
