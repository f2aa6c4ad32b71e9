import { describe, expect, it } from 'vitest';
import type { JournalRecord } from '../../../src/journal/record.js';
import { record, useRedis } from './support.js';

const { client, journal } = useRedis();

const stored = (operation: string, changes: Partial<JournalRecord> = {}): JournalRecord => ({
	...record('shop', operation),
	revision: 3,
	...changes,
});

/**
Stored texts of a record at revision 3, each a way the revision could be misread without decoding the record. The
compare-and-set script reads it off the text only when the text says unambiguously where the top-level field is.
*/
const texts: [string, (r: JournalRecord) => string][] = [
	['as this journal writes it', (r) => JSON.stringify(r)],
	['with the revision first', ({ revision, ...rest }) => JSON.stringify({ revision, ...rest })],
	[
		'with the revision after nested objects (another writer, an older format)',
		({ revision, ...rest }) =>
			JSON.stringify({ request: { url: 'https://x/', headers: [] }, ...rest, revision }),
	],
	[
		'behind a nested object holding a "revision" of its own',
		({ revision, ...rest }) => JSON.stringify({ extra: { revision: 99 }, ...rest, revision }),
	],
	[
		'behind a field whose name ends in a quote and "revision"',
		(r) => JSON.stringify({ 'a"revision': 99, ...r }),
	],
	['with ids and path holding ,"revision":99,', (r) => JSON.stringify({ ...r, path: '/p,"revision":99,' })],
	['with a path holding [ and {', (r) => JSON.stringify({ ...r, path: '/items[0]?q={"revision":99}' })],
	// JSON.parse, as get() reads it, keeps the last of two same-named keys.
	['written by hand with a stale revision first', (r) => `{"revision":99,${JSON.stringify(r).slice(1)}`],
	[
		'written by hand with a stale revision second',
		(r) => `{"a":"x","revision":99,${JSON.stringify(r).slice(1)}`,
	],
];

describe('compare-and-set on records stored in any field order', () => {
	it.each(texts)('accepts only the stored revision of a record %s', async (_name, text) => {
		const { journal: j, prefix } = journal();
		const redis = client();
		const operation = 'op,"revision":99,';
		const current = stored(operation);
		await j.create(current);
		const key = `${prefix}{shop}:r:${encodeURIComponent(operation)}`;
		await redis.set(key, text(current));

		for (const expected of [2, 99, 4]) {
			expect(await j.compareAndSet({ ...current, revision: expected + 1 }), `expecting ${expected}`).toBe(
				false,
			);
		}
		expect(await j.compareAndSet({ ...current, revision: 4, state: 'inflight' })).toBe(true);
		const after = await j.get('shop', operation);
		expect(after).toMatchObject({ revision: 4, state: 'inflight' });
	});
});
