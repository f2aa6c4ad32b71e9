// The clients the benchmark compares, each behind one shape: make it, call it, close it. Every call is one POST of
// a small JSON body whose JSON answer is read and parsed, so all of them do the same work on the wire.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Counters, type CountingFs, countingFs } from './counting-fs.ts';
import { type StoreEndpoint, type StoreName, storeEndpoint } from './stores.ts';

export type Client = {
	/** One POST; resolves to the HTTP status. */
	call(i: number): Promise<number>;
	close(): Promise<void>;
	/** What the client counted since `resetCounters()` (file-system calls ...), for the clients that count. */
	counters?(): Counters;
	resetCounters?(): void;
};

export type ClientKind = {
	name: string;
	label: string;
	/** Why this client cannot be measured in this build; undefined when it can. */
	unavailable(): Promise<string | undefined>;
	make(baseUrl: string): Promise<Client>;
};

const dist = path.resolve(import.meta.dirname, '..', 'dist');
const payload = (i: number) => ({ classId: `c${i % 500}`, clientId: `u${i}`, seats: 1 });

type RootEntry = typeof import('../dist/index.js');
const root = (): Promise<RootEntry> => import('../dist/index.js');

/** The `idemkey/node` entry's FileJournal, if this build has one. */
type FileJournalLike = { close(): Promise<void> } & InstanceType<RootEntry['MemoryJournal']>;
type FileJournalClass = new (options: {
	directory: string;
	fs?: typeof import('node:fs');
}) => FileJournalLike;
export async function loadFileJournal(): Promise<FileJournalClass | undefined> {
	const entry = (await import('../dist/node/index.js')) as Record<string, unknown>;
	return typeof entry.FileJournal === 'function' ? (entry.FileJournal as FileJournalClass) : undefined;
}

type Store = {
	journal: InstanceType<RootEntry['MemoryJournal']>;
	close(): Promise<void>;
	counting?: CountingFs;
};

const idemkey =
	(journal: () => Promise<Store>) =>
	async (baseUrl: string): Promise<Client> => {
		const { createClient } = await root();
		const store = await journal();
		const api = createClient({ baseUrl, journal: store.journal });
		return {
			call: async (i) => (await api.post('bookings', { json: payload(i) })).status,
			close: () => store.close(),
			...(store.counting && { counters: store.counting.counters, resetCounters: store.counting.reset }),
		};
	};

/** A FileJournal in a fresh directory of the OS temp dir, which goes when the client closes. */
const fileJournal =
	(fs?: typeof import('node:fs')) =>
	async (): Promise<{ journal: FileJournalLike; close(): Promise<void> }> => {
		const FileJournal = await loadFileJournal();
		if (!FileJournal) throw new Error('this build has no FileJournal');
		const directory = await mkdtemp(path.join(tmpdir(), 'idemkey-bench-'));
		const journal = new FileJournal({ directory, ...(fs && { fs }) });
		return {
			journal,
			async close() {
				await journal.close();
				await rm(directory, { recursive: true, force: true });
			},
		};
	};

const always = async (): Promise<undefined> => undefined;

/** Whether this build has the entry (`dist/<entry>/index.js`) and it exports `exportName`. */
async function built(entry: string, exportName: string): Promise<Record<string, unknown> | undefined> {
	const file = path.join(dist, entry, 'index.js');
	if (!existsSync(file)) return undefined;
	const loaded = (await import(file)) as Record<string, unknown>;
	return typeof loaded[exportName] === 'function' ? loaded : undefined;
}

/** A journal on a server run.ts started (see stores.ts): its row is skipped, with the reason, when there is none. */
const storeKind = (
	name: StoreName,
	label: string,
	exportName: string,
	journal: (endpoint: StoreEndpoint, entry: Record<string, unknown>) => Promise<Store>,
): ClientKind => ({
	name,
	label,
	async unavailable() {
		if (!(await built(name, exportName))) return 'not built';
		const endpoint = storeEndpoint(name);
		return typeof endpoint === 'string' ? endpoint : undefined;
	},
	make: idemkey(async () => {
		const endpoint = storeEndpoint(name);
		const entry = await built(name, exportName);
		if (typeof endpoint === 'string' || !entry) throw new Error(`${label}: ${endpoint}`);
		return journal(endpoint, entry);
	}),
});

/**
RedisJournal on one plain ioredis connection, as its docs show (the journal itself sends the commands of one event-loop
turn as one pipeline), its records under a prefix of this process's own; the records go with the client.
*/
const redisJournal = async (endpoint: StoreEndpoint, entry: Record<string, unknown>): Promise<Store> => {
	const { Redis } = await import('ioredis');
	const client = new Redis({ host: endpoint.host, port: endpoint.port });
	const RedisJournal = entry.RedisJournal as new (options: {
		client: unknown;
		prefix: string;
	}) => Store['journal'];
	return {
		journal: new RedisJournal({ client, prefix: `bench-${process.pid}:` }),
		async close() {
			await client.flushdb();
			client.disconnect();
		},
	};
};

/**
PostgresJournal on a pool of 16 connections, in a table of this process's own (every row starts on an empty table),
dropped with the client.
*/
const postgresJournal = async (endpoint: StoreEndpoint, entry: Record<string, unknown>): Promise<Store> => {
	const { default: pg } = await import('pg');
	const pool = new pg.Pool({ ...endpoint, max: 16 });
	const table = `idemkey_bench_${process.pid}`;
	const PostgresJournal = entry.PostgresJournal as new (options: {
		pool: unknown;
		table: string;
	}) => Store['journal'] & { migrate(): Promise<void> };
	const journal = new PostgresJournal({ pool, table });
	await journal.migrate();
	return {
		journal,
		async close() {
			await pool.query(`DROP TABLE IF EXISTS ${table}`);
			await pool.end();
		},
	};
};

export const CLIENT_KINDS: readonly ClientKind[] = [
	{
		name: 'fetch',
		label: 'bare fetch',
		unavailable: always,
		async make(baseUrl) {
			const url = new URL('bookings', baseUrl);
			return {
				async call(i) {
					const res = await fetch(url, {
						method: 'POST',
						headers: { 'content-type': 'application/json' },
						body: JSON.stringify(payload(i)),
					});
					await res.json();
					return res.status;
				},
				close: async () => {},
			};
		},
	},
	{
		name: 'ky',
		label: 'bare ky',
		unavailable: always,
		async make(baseUrl) {
			const { default: ky } = await import('ky');
			const http = ky.create({ baseUrl, retry: 0, throwHttpErrors: false });
			return {
				async call(i) {
					const res = await http.post('bookings', { json: payload(i) });
					await res.json();
					return res.status;
				},
				close: async () => {},
			};
		},
	},
	{
		name: 'memory',
		label: 'idemkey + MemoryJournal',
		unavailable: always,
		make: idemkey(async () => {
			const { MemoryJournal } = await root();
			return { journal: new MemoryJournal(), close: async () => {} };
		}),
	},
	{
		// The MemoryJournal row with tracing on, as a Node service runs it (tracing-sdk.ts), against the MemoryJournal row
		// of the same run: what tracing costs (DESIGN §6: at most 3%). Loaded only here: untraced rows never see the SDK.
		name: 'memory-traced',
		label: 'idemkey + MemoryJournal, traced',
		unavailable: always,
		make: async (baseUrl) => {
			const { registerTracing } = await import('./tracing-sdk.ts');
			registerTracing();
			return idemkey(async () => {
				const { MemoryJournal } = await root();
				return { journal: new MemoryJournal(), close: async () => {} };
			})(baseUrl);
		},
	},
	{
		name: 'file',
		label: 'idemkey + FileJournal',
		unavailable: async () => ((await loadFileJournal()) ? undefined : 'not available'),
		make: idemkey(fileJournal()),
	},
	storeKind('redis', 'idemkey + RedisJournal', 'RedisJournal', redisJournal),
	storeKind('postgres', 'idemkey + PostgresJournal', 'PostgresJournal', postgresJournal),
];

/** Not rows of the table: the same clients instrumented for one question each. */
const INSTRUMENTED_KINDS: readonly ClientKind[] = [
	{
		// The FileJournal row's client, with every file-system call counted: the fsync step's (b).
		name: 'file-counted',
		label: 'idemkey + FileJournal (fs calls counted)',
		unavailable: async () => ((await loadFileJournal()) ? undefined : 'not available'),
		make: idemkey(async () => {
			const counting = countingFs();
			return { ...(await fileJournal(counting.fs)()), counting };
		}),
	},
];

export const kindNamed = (name: string): ClientKind => {
	const kind = [...CLIENT_KINDS, ...INSTRUMENTED_KINDS].find((k) => k.name === name);
	if (!kind)
		throw new Error(`unknown client "${name}"; known: ${CLIENT_KINDS.map((k) => k.name).join(', ')}`);
	return kind;
};
