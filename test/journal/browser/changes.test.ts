import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { JournalChange } from '../../../src/journal/browser/changes.js';
import type { IndexedDBJournal, IndexedDBJournalOptions } from '../../../src/journal/browser/indexeddb.js';
import { claimed, settled } from '../../../src/journal/lifecycle.js';
import { indexedDBJournal, NOW, record } from './support.js';

const channels: BroadcastChannel[] = [];
afterEach(async () => {
	for (const channel of channels.splice(0)) channel.close();
});

let serial = 0;
/** Two journals on one database, like two tabs; a database name of their own keeps other tests' messages out. */
function tabs(a: IndexedDBJournalOptions = {}, b: IndexedDBJournalOptions = {}) {
	const indexedDB = new IDBFactory();
	const name = `changes-${++serial}`;
	const make = (options: IndexedDBJournalOptions) => indexedDBJournal({ indexedDB, name, ...options });
	return { name, mine: make(a), theirs: make(b) };
}

/** Every change `journal` hears of, and a way to wait for the next `count` of them. */
function listen(journal: IndexedDBJournal) {
	const heard: JournalChange[] = [];
	let waiting: { count: number; resolve: () => void } | undefined;
	const stop = journal.subscribe((change) => {
		heard.push(change);
		if (waiting && heard.length >= waiting.count) waiting.resolve();
	});
	const until = (count: number) =>
		new Promise<void>((resolve) => {
			if (heard.length >= count) resolve();
			else waiting = { count, resolve };
		});
	return { heard, until, stop };
}

const written = (operation: string, state: string, revision: number) => ({
	type: 'written',
	scope: 'tenant-1',
	operation,
	state,
	revision,
});

describe('IndexedDBJournal change notifications', () => {
	it('tells its own listeners of every record written and every collection, at once', async () => {
		const { mine } = tabs();
		const { heard } = listen(mine);
		const first = await mine.create(record('op-1'));
		expect(heard).toEqual([written('op-1', 'pending', 1)]);
		const claim = claimed(first, NOW + 1);
		await mine.compareAndSet(claim);
		const done = settled(claim, 'succeeded', NOW + 2, { status: 201, replayed: false, headers: [] });
		await mine.compareAndSet(done);
		await mine.collectGarbage(NOW + 100_000);
		expect(heard).toEqual([
			written('op-1', 'pending', 1),
			written('op-1', 'inflight', 2),
			written('op-1', 'succeeded', 3),
			{ type: 'collected', removed: 1 },
		]);
	});

	it('says nothing of writes that did not happen: a create that found a record, a refused compareAndSet, an empty collection', async () => {
		const { mine } = tabs();
		const first = await mine.create(record('op-1'));
		const { heard } = listen(mine);
		await mine.create(record('op-1'));
		expect(await mine.compareAndSet({ ...claimed(first, NOW + 1), revision: 7 })).toBe(false);
		expect(await mine.collectGarbage(NOW)).toBe(0);
		expect(heard).toEqual([]);
	});

	it("tells another tab's listeners over a BroadcastChannel named idemkey:<database>", async () => {
		const { name, mine, theirs } = tabs();
		const other = listen(theirs);
		const outsider = new BroadcastChannel(`idemkey:${name}`);
		channels.push(outsider);
		const raw: unknown[] = [];
		outsider.onmessage = (event) => raw.push(event.data);

		const first = await mine.create(record('op-1'));
		await mine.compareAndSet(claimed(first, NOW + 1));
		await other.until(2);
		expect(other.heard).toEqual([written('op-1', 'pending', 1), written('op-1', 'inflight', 2)]);
		await vi.waitFor(() => expect(raw).toEqual(other.heard));
	});

	it('keeps changes within the journal with broadcast: false', async () => {
		const { name, mine, theirs } = tabs({ broadcast: false });
		const own = listen(mine);
		const other = listen(theirs);
		await mine.create(record('quiet'));
		// Sent after mine's write: by the time it arrives, a message from mine would have too.
		const sentinel = new BroadcastChannel(`idemkey:${name}`);
		channels.push(sentinel);
		sentinel.postMessage({ type: 'collected', removed: 0 });
		await other.until(1);
		expect(other.heard).toEqual([{ type: 'collected', removed: 0 }]);
		expect(own.heard).toEqual([written('quiet', 'pending', 1)]);
	});

	it('ignores messages on the channel it does not understand', async () => {
		const { name, theirs } = tabs();
		const other = listen(theirs);
		const sender = new BroadcastChannel(`idemkey:${name}`);
		channels.push(sender);
		for (const junk of [
			'hello',
			null,
			{ type: 'written', scope: 1 },
			{ type: 'deleted' },
			{ type: 'collected' },
		]) {
			sender.postMessage(junk);
		}
		sender.postMessage({ type: 'collected', removed: 2 });
		await other.until(1);
		expect(other.heard).toEqual([{ type: 'collected', removed: 2 }]);
	});

	it('keeps writing and telling other listeners when a listener throws', async () => {
		const { mine } = tabs();
		mine.subscribe(() => {
			throw new Error('listener bug');
		});
		const { heard } = listen(mine);
		const stored = await mine.create(record('op-1'));
		expect(await mine.get('tenant-1', 'op-1')).toEqual(stored);
		expect(heard).toHaveLength(1);
	});

	it('keeps writing, and lets nothing reach the host, when an async listener rejects', async () => {
		const escaped: unknown[] = [];
		const onUnhandled = (reason: unknown) => void escaped.push(reason);
		process.on('unhandledRejection', onUnhandled);
		try {
			const { mine } = tabs();
			mine.subscribe(async () => {
				throw new Error('listener bug');
			});
			const { heard } = listen(mine);
			const stored = await mine.create(record('op-1'));
			expect(await mine.get('tenant-1', 'op-1')).toEqual(stored);
			for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
			expect(heard).toHaveLength(1);
			expect(escaped).toEqual([]);
		} finally {
			process.off('unhandledRejection', onUnhandled);
		}
	});

	it('stops calling a listener once unsubscribed, and every listener once closed', async () => {
		const { mine, theirs } = tabs();
		const own = listen(mine);
		const other = listen(theirs);
		own.stop();
		await mine.create(record('op-1'));
		await other.until(1);
		expect(own.heard).toEqual([]);

		await theirs.close();
		const observer = indexedDBJournal({ name: theirs.name });
		const observed = listen(observer);
		await mine.create(record('op-2'));
		await observed.until(1);
		expect(other.heard).toEqual([written('op-1', 'pending', 1)]);
	});
});
