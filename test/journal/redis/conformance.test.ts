import { randomUUID } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Journal } from '../../../src/journal/journal.js';
import { RedisJournal } from '../../../src/redis.js';
import { runJournalConformance } from '../../../src/testing/index.js';
import { type RedisServer, startRedis } from '../../helpers/redis-server.js';

const api = { describe, it, expect, beforeEach, afterEach };

let server: RedisServer;
let clusterServer: RedisServer;
const clients: (Redis | Cluster)[] = [];
const client = () => {
	const made = new Redis(server.url);
	clients.push(made);
	return made;
};

beforeAll(async () => {
	[server, clusterServer] = await Promise.all([startRedis(), startRedis({ cluster: true })]);
});

afterAll(async () => {
	await Promise.all(clients.map((c) => c.quit()));
	await Promise.all([server?.close(), clusterServer?.close()]);
});

// A prefix per journal: collectGarbage is journal-wide, and each test starts from nothing collectable.
runJournalConformance(
	'RedisJournal',
	() => new RedisJournal({ client: client(), prefix: `t-${randomUUID()}:` }),
	api,
);

// ioredis 5's protocol, with integers answered as strings.
runJournalConformance(
	'RedisJournal over RESP2, stringNumbers on',
	() => {
		const made = new Redis(server.url, { protocol: 2, stringNumbers: true });
		clients.push(made);
		return new RedisJournal({ client: made, prefix: `t-${randomUUID()}:` });
	},
	api,
);

// Auto-pipelining on a plain client (the docs recommend it on a cluster): the journal's own batches go around it.
runJournalConformance(
	'RedisJournal with enableAutoPipelining',
	() => {
		const made = new Redis(server.url, { enableAutoPipelining: true });
		clients.push(made);
		return new RedisJournal({ client: made, prefix: `t-${randomUUID()}:` });
	},
	api,
);

/**
Two RedisJournals on two connections stand for two machines: every call goes to one or the other in turn, so each
test's writes and reads cross between them.
*/
runJournalConformance(
	'two RedisJournals on two connections sharing a prefix',
	() => {
		const prefix = `t-${randomUUID()}:`;
		const parts = [
			new RedisJournal({ client: client(), prefix }),
			new RedisJournal({ client: client(), prefix }),
		];
		let turn = 0;
		const next = () => parts[turn++ % 2] as RedisJournal;
		return {
			create: (r, o) => next().create(r, o),
			get: (s, op, o) => next().get(s, op, o),
			compareAndSet: (r, o) => next().compareAndSet(r, o),
			listUnfinished: (s, o) => next().listUnfinished(s, o),
			collectGarbage: (now) => next().collectGarbage(now),
		} satisfies Journal;
	},
	api,
);

// In a cluster every script may touch only keys of one slot: one scope's keys share a hash tag, and the registry of
// scopes is written by plain commands of its own.
runJournalConformance(
	'RedisJournal on a cluster',
	() => {
		const cluster = new Cluster([{ host: '127.0.0.1', port: clusterServer.port }]);
		clients.push(cluster);
		return new RedisJournal({ client: cluster, prefix: `t-${randomUUID()}:` });
	},
	api,
);

// A plain client on a cluster node stands for a cluster behind a proxy: the server refuses create's script with the
// registry of scopes in it (CROSSSLOT, another slot), and the journal registers scopes with a command of its own.
runJournalConformance(
	'RedisJournal through a plain client on a cluster node',
	() => {
		const made = new Redis(clusterServer.url, { enableAutoPipelining: true });
		clients.push(made);
		return new RedisJournal({ client: made, prefix: `t-${randomUUID()}:` });
	},
	api,
);
