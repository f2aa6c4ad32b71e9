// The journal a fleet shares, named by a spec that can cross a process boundary (a command-line argument).
import { Redis } from 'ioredis';
import pg from 'pg';
import type { Journal } from '../../../src/journal/journal.js';
import { FileJournal } from '../../../src/node.js';
import { PostgresJournal } from '../../../src/postgres.js';
import { RedisJournal } from '../../../src/redis.js';
import type { ClientOptions } from '../../../src/types/options.js';
import type { Endpoint } from '../../helpers/postgres-server.js';

export type JournalSpec =
	| { readonly kind: 'file'; readonly directory: string }
	| { readonly kind: 'redis'; readonly url: string }
	| { readonly kind: 'postgres'; readonly endpoint: Endpoint };

export type OpenedJournal = {
	readonly journal: Journal;
	/** Client options that go with this journal in the fleet. */
	readonly clientOptions: Partial<ClientOptions>;
	close(): Promise<void>;
};

/**
A short lease, so that a killed worker's operations are taken over within seconds, yet far longer than the server
takes with one request (FLEET_FAULTS: at most about 120 ms) and than the stalls of a busy 2-core machine: a live owner
that cannot renew for a whole lease (event loop starved, journal write stuck behind other processes' fsyncs) is taken
over mid-request, which is the overlap this test looks for. 1 s saw one such takeover in three runs at load 15.
*/
const FLEET_CLIENT: Partial<ClientOptions> = { leaseMs: 3_000 };

export async function openJournal(spec: JournalSpec): Promise<OpenedJournal> {
	switch (spec.kind) {
		case 'file': {
			// Claims are fsynced before their request leaves; the other writes (renewals, outcomes) reach the file
			// without waiting for the disk, which a killed process does not undo. Every write fsynced, four processes
			// queue on one disk and the run takes twice as long on a busy machine.
			const journal = new FileJournal({ directory: spec.directory, durability: 'before-send' });
			return { journal, clientOptions: FLEET_CLIENT, close: () => journal.close() };
		}
		case 'redis': {
			const client = new Redis(spec.url);
			return {
				journal: new RedisJournal({ client }),
				clientOptions: FLEET_CLIENT,
				close: async () => {
					await client.quit();
				},
			};
		}
		case 'postgres': {
			const pool = new pg.Pool({ ...spec.endpoint, max: 8, connectionTimeoutMillis: 5_000 });
			return {
				journal: new PostgresJournal({ pool }),
				clientOptions: FLEET_CLIENT,
				close: () => pool.end(),
			};
		}
	}
}
