// The `idemkey/redis` entry point: a journal in Redis, shared across processes and machines. ioredis is an optional
// peer dependency: the caller passes its own client, and nothing here imports ioredis at run time.

export type { RedisJournalClient, RedisJournalOptions } from './journal/redis/options.js';
export { RedisJournal } from './journal/redis/redis-journal.js';
