/**
The part of an ioredis client (`Redis` or `Cluster`, ioredis 5 or later) that RedisJournal uses. Described here
rather than imported, so that `idemkey/redis` loads without ioredis and accepts any ioredis version that has it.
*/
export type RedisJournalClient = {
	/** ioredis's connection state: commands are sent only once it is `'ready'`. */
	readonly status: string;
	call(command: string, ...args: (string | number)[]): Promise<unknown>;
	once(event: 'ready', listener: () => void): unknown;
	/**
	True on an ioredis `Cluster`: the journal then registers each new scope with a command of its own, since the
	registry of scopes sits on another slot than the scope's keys.
	*/
	readonly isCluster?: boolean;
	/**
	A batch of commands written to Redis in one go (ioredis's `pipeline()`): the journal gathers its commands of one
	event-loop turn into one, on a client that is not a cluster.
	*/
	pipeline?: () => RedisPipeline;
	/** Opens a client made with `lazyConnect: true`. */
	connect?: () => Promise<unknown>;
};

/** The part of an ioredis pipeline the journal uses: commands queued, then sent together, answered in order. */
export type RedisPipeline = {
	call(command: string, ...args: (string | number)[]): unknown;
	exec(): Promise<[Error | null, unknown][] | null>;
};

export type RedisJournalOptions = {
	/**
	An ioredis client (`new Redis(url)` or `new Cluster(nodes)`). It stays yours: the journal never opens a second
	connection and never closes this one (quit it when your process is done).
	*/
	client: RedisJournalClient;
	/**
	Prepended to every key the journal writes, so that several applications (or test runs) share one database apart.
	Must not contain `{` or `}`: the journal puts the scope in a hash tag, so that one scope's keys share a cluster slot.
	@default 'idemkey:'
	@example 'billing:idemkey:'
	*/
	prefix?: string;
	/**
	How long a call waits for the connection to open (or reopen after Redis went away) before it fails with a
	`JournalError`, having sent nothing. The caller's signal and deadline cut the wait shorter. Nothing is queued while
	the connection is down: ioredis's offline queue would send a journal write whenever the connection came back,
	long after the caller gave up.
	@default 2_000
	*/
	readyTimeoutMs?: number;
};

export const DEFAULTS = { prefix: 'idemkey:', readyTimeoutMs: 2_000 } as const;

/**
How long a finished record outlives its `retainUntil` in Redis before Redis expires it on its own (on Redis's clock).
`retainUntil` was computed on a client's clock, which may run ahead of Redis's; and a record finished after its
`retainUntil` (an operation resolved by hand days later) must still be there for the next reader. `collectGarbage(now)`
deletes records on the dot; the expiry only bounds memory when nobody calls it.
*/
export const EXPIRY_GRACE_MS = 60_000;
