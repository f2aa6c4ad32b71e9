import { JournalError } from '../../errors/classes.js';
import { MAX_TIMEOUT_MS, mustBe } from '../../utils/input.js';
import type { Journal, JournalCallOptions } from '../journal.js';
import { isFinished, type JournalRecord, recordProblem } from '../record.js';
import { RedisConnection } from './connection.js';
import { checkedRecord, redisFailure } from './failures.js';
import {
	isUsablePrefix,
	keysOfTag,
	operationMember,
	registryKey,
	type ScopeKeys,
	scopeKeys,
} from './keys.js';
import { DEFAULTS, type RedisJournalOptions } from './options.js';
import { COLLECT, COMPARE_AND_SET, CREATE, LIST_UNFINISHED } from './scripts.js';

/** Finished records one collection script deletes: long enough to be cheap, short enough not to stall Redis. */
const COLLECT_BATCH = 500;

/** The operation id an index entry stands for; a foreign entry that is not one is reported under its own name. */
const decoded = (member: string): string => {
	try {
		return decodeURIComponent(member);
	} catch {
		return member;
	}
};

/** The record as JSON, once checked: a record the client would refuse to read back is never stored. */
function serialised(record: JournalRecord, what: () => string): string {
	const why = recordProblem(record);
	if (why !== undefined) {
		throw new JournalError(
			`RedisJournal refused to ${what()}: the record is not valid (${why}); nothing was written.`,
			{
				operation: typeof record?.operation === 'string' ? record.operation : undefined,
			},
		);
	}
	return JSON.stringify(record);
}

/** The arguments of the scripts' place(), in its order: the record and where it is filed. */
const placement = (record: JournalRecord, value: string, member: string): (string | number)[] => [
	value,
	member,
	record.createdAt,
	isFinished(record.state) ? '1' : '0',
	record.retainUntil,
];

/** The keys of the scripts' place(), in its order: the record's, then its scope's indexes. */
const placementKeys = (keys: ScopeKeys, member: string): string[] => [
	keys.records + member,
	keys.unfinished,
	keys.finished,
	keys.order,
];

/** Scopes whose keys are remembered: a client writes to a few, and a busy one would rebuild them on every call. */
const KNOWN_SCOPES = 256;

const isCrossSlot = (error: unknown) => String((error as Error)?.message).startsWith('CROSSSLOT');

/**
A journal in Redis, shared by every client, process and machine that uses the same database and prefix. Create and
compare-and-set are Lua scripts, atomic across all of them; `now()` is Redis's clock (TIME), so leases taken on
different machines are compared on one clock.

Finished records expire on their own (PX) a minute after their `retainUntil` (on Redis's clock); unfinished ones
never expire. `collectGarbage(now)` deletes finished records due at `now` across every scope of this prefix.

What survives what is Redis's configuration, not the journal's: with `appendonly yes` and `appendfsync always`, every
write the journal acknowledged survives a Redis crash; with `appendfsync everysec` (Redis's default for AOF) up to a
second of writes can be lost, and without AOF everything since the last snapshot. A failover to a replica loses the
writes it had not received yet (replication is asynchronous; `WAIT` is not used). A lost record lets its operation be
sent again under a new key: see docs/journals/redis.md.
*/
export class RedisJournal implements Journal {
	readonly #connection: RedisConnection;
	readonly #prefix: string;
	readonly #registry: string;
	readonly #scopes = new Map<string, ScopeKeys>();
	/**
	Whether create's script registers the scope itself, one command fewer per create. A cluster keeps the registry on
	another slot than the scope, so there (or on a server that refuses a script two slots, see create) the client
	sends its own SADD.
	*/
	#registersInScript: boolean;

	constructor(options: RedisJournalOptions) {
		const { client, prefix = DEFAULTS.prefix, readyTimeoutMs = DEFAULTS.readyTimeoutMs } = options ?? {};
		if (typeof client?.call !== 'function' || typeof client.once !== 'function') {
			throw mustBe('client', 'an ioredis client (new Redis(url) or new Cluster(nodes))', client);
		}
		if (!isUsablePrefix(prefix)) throw mustBe('prefix', 'a string without { or }', prefix);
		if (!Number.isInteger(readyTimeoutMs) || readyTimeoutMs < 0 || readyTimeoutMs > MAX_TIMEOUT_MS) {
			throw mustBe('readyTimeoutMs', `a whole number of ms from 0 to ${MAX_TIMEOUT_MS}`, readyTimeoutMs);
		}
		this.#connection = new RedisConnection(client, readyTimeoutMs);
		this.#prefix = prefix;
		this.#registry = registryKey(prefix);
		this.#registersInScript = client.isCluster !== true;
	}

	async create(record: JournalRecord, options?: JournalCallOptions): Promise<JournalRecord> {
		const what = () => `create the record of operation "${record?.operation}" in scope "${record?.scope}"`;
		const value = serialised(record, what);
		const { scope, operation } = record;
		const keys = this.#keysOf(scope);
		const member = operationMember(operation);
		const args = placement(record, value, member);
		const keyList = placementKeys(keys, member);
		const stored = await this.#io(what, operation, options, async () => {
			if (this.#registersInScript) {
				try {
					return await this.#connection.run(CREATE, [...keyList, this.#registry], [...args, keys.tag]);
				} catch (error) {
					// A server that holds the registry on another slot than the scope (a cluster behind a proxy, or a
					// cluster node reached without a cluster client) refuses the script before running any of it.
					if (!isCrossSlot(error)) throw error;
					this.#registersInScript = false;
					options?.signal?.throwIfAborted();
				}
			}
			const created = this.#connection.run(CREATE, keyList, args);
			// Sent right behind the script on the same connection, so Redis registers the scope after the record
			// exists: collectGarbage, which forgets a scope it finds empty, then checks again (see #forget). In a
			// cluster the registry may sit on another node; losing that race only leaves the record to its own expiry.
			const registered = this.#connection.call('SADD', this.#registry, keys.tag);
			return Promise.all([created, registered]).then(([value]) => value);
		});
		// Lua's false is a null reply in RESP2 and may be a boolean in RESP3: either way, nothing was stored before.
		if (stored === null || stored === false) return record;
		return checkedRecord(stored, keyList[0] as string, scope, operation);
	}

	async get(
		scope: string,
		operation: string,
		options?: JournalCallOptions,
	): Promise<JournalRecord | undefined> {
		const key = this.#keysOf(scope).records + operationMember(operation);
		const what = () => `read the record of operation "${operation}" in scope "${scope}"`;
		const value = await this.#io(what, operation, options, () => this.#connection.call('GET', key));
		return value === null ? undefined : checkedRecord(value, key, scope, operation);
	}

	async compareAndSet(next: JournalRecord, options?: JournalCallOptions): Promise<boolean> {
		const what = () =>
			`update the record of operation "${next?.operation}" in scope "${next?.scope}" to revision ${next?.revision}`;
		const value = serialised(next, what);
		const { scope, operation } = next;
		const keys = this.#keysOf(scope);
		const member = operationMember(operation);
		const args = placement(next, value, member);
		args.push(next.revision - 1);
		const keyList = placementKeys(keys, member);
		const written = await this.#io(what, operation, options, () =>
			this.#connection.run(COMPARE_AND_SET, keyList, args),
		);
		// A number, or a string with ioredis's stringNumbers option.
		const answer = Number(written);
		if (answer === -1) {
			// Not a record: reading it says what it is instead (and throws). Fixed in between, it is a lost race.
			await this.get(scope, operation, options);
			return false;
		}
		return answer === 1;
	}

	async listUnfinished(scope: string, options?: JournalCallOptions): Promise<JournalRecord[]> {
		const keys = this.#keysOf(scope);
		const what = () => `list the unfinished operations of scope "${scope}"`;
		const triples = (await this.#io(what, undefined, options, () =>
			this.#connection.run(LIST_UNFINISHED, [keys.unfinished, keys.order], [keys.records]),
		)) as unknown[];
		const listed: { record: JournalRecord; order: number }[] = [];
		for (let i = 0; i < triples.length; i += 3) {
			const member = String(triples[i]);
			const value = triples[i + 1];
			// Gone since it was listed as unfinished: only a foreign DEL does that, and there is nothing to resume.
			if (value === null || value === false) continue;
			const record = checkedRecord(value, keys.records + member, scope, decoded(member));
			const order = typeof triples[i + 2] === 'string' ? Number(triples[i + 2]) : Number.POSITIVE_INFINITY;
			if (!isFinished(record.state)) listed.push({ record, order });
		}
		// Records created in the same millisecond (a batch, a fast loop) list in the order they were created.
		listed.sort((a, b) => a.record.createdAt - b.record.createdAt || a.order - b.order);
		return listed.map(({ record }) => record);
	}

	/**
	Deletes the finished records whose `retainUntil` is at or before `now`, in every scope under this journal's prefix,
	and resolves to how many it deleted. Records that Redis already expired on its own are not counted.
	*/
	async collectGarbage(now: number): Promise<number> {
		if (!Number.isFinite(now)) throw mustBe('now', 'epoch ms (a finite number)', now);
		const registry = this.#registry;
		return this.#io(
			() => 'collect finished records',
			undefined,
			undefined,
			async () => {
				let deleted = 0;
				let cursor = '0';
				do {
					const [next, tags] = (await this.#connection.call('SSCAN', registry, cursor, 'COUNT', 100)) as [
						string,
						string[],
					];
					cursor = next;
					for (const tag of tags) deleted += await this.#collectScope(keysOfTag(this.#prefix, tag), now);
				} while (cursor !== '0');
				return deleted;
			},
		);
	}

	/** Redis's clock (TIME), epoch ms. */
	async now(options?: JournalCallOptions): Promise<number> {
		const [seconds, micros] = (await this.#io(
			() => 'read the Redis clock (TIME)',
			undefined,
			options,
			() => this.#connection.call('TIME'),
		)) as [string, string];
		return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
	}

	#keysOf(scope: string): ScopeKeys {
		let keys = this.#scopes.get(scope);
		if (keys === undefined) {
			keys = scopeKeys(this.#prefix, scope);
			if (this.#scopes.size >= KNOWN_SCOPES) this.#scopes.clear();
			this.#scopes.set(scope, keys);
		}
		return keys;
	}

	async #collectScope(keys: ScopeKeys, now: number): Promise<number> {
		let deleted = 0;
		for (;;) {
			const [gone, looked, left] = (
				(await this.#connection.run(
					COLLECT,
					[keys.finished, keys.unfinished],
					[now, keys.records, COLLECT_BATCH],
				)) as unknown[]
			).map(Number) as [number, number, number];
			deleted += gone;
			if (looked < COLLECT_BATCH) {
				if (left === 0) await this.#forget(keys);
				return deleted;
			}
		}
	}

	/**
	Drops an empty scope from the registry. A create in it may land meanwhile: its registration (sent after its record)
	either comes after this removal, or its record is seen by the check that follows it and the scope is put back.
	*/
	async #forget(keys: ScopeKeys): Promise<void> {
		const registry = this.#registry;
		await this.#connection.call('SREM', registry, keys.tag);
		if (Number(await this.#connection.call('EXISTS', keys.unfinished, keys.finished)) > 0) {
			await this.#connection.call('SADD', registry, keys.tag);
		}
	}

	/**
	One call to Redis: waits for the connection to be ready (bounded by the signal and readyTimeoutMs), then sends.
	Any failure but the caller's own abort becomes a JournalError that says what failed.
	*/
	async #io<T>(
		what: () => string,
		operation: string | undefined,
		options: JournalCallOptions | undefined,
		send: () => Promise<T>,
	): Promise<T> {
		const signal = options?.signal;
		try {
			const wait = this.#connection.ready(signal);
			if (wait) {
				await wait;
				// The connection and the caller's abort may come in the same turn: the caller wins, nothing is sent.
				signal?.throwIfAborted();
			}
			return await send();
		} catch (error) {
			if (signal?.aborted && error === signal.reason) throw error;
			throw redisFailure(what(), error, operation);
		}
	}
}
