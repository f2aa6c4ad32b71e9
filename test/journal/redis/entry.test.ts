import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as redisEntry from '../../../src/redis.js';

const src = path.resolve(import.meta.dirname, '../../../src');
const sources = (readdirSync(src, { recursive: true }) as string[]).filter((file) => file.endsWith('.ts'));

describe('idemkey/redis', () => {
	it('exports RedisJournal, and nothing else', () => {
		expect(Object.keys(redisEntry)).toEqual(['RedisJournal']);
	});

	// ioredis is an optional peer: an entry that imported it would fail to load for everyone without it. The caller
	// passes its client, and the journal describes the part it uses (RedisJournalClient).
	it('imports nothing from ioredis, in any entry', () => {
		const importing = sources.filter((file) =>
			/from\s+['"]ioredis['"]|import\(\s*['"]ioredis['"]\s*\)|require\(\s*['"]ioredis['"]\s*\)/.test(
				readFileSync(path.join(src, file), 'utf8'),
			),
		);
		expect(importing).toEqual([]);
	});
});
