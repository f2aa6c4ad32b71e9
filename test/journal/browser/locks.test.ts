import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import type { LockManagerLike } from '../../../src/journal/browser/locks.js';
import { WebStorageJournal } from '../../../src/journal/browser/web-storage.js';
import type { Journal } from '../../../src/journal/journal.js';
import { claimed } from '../../../src/journal/lifecycle.js';
import { MapStorage } from './storage-stand-ins.js';
import { indexedDBJournal, record } from './support.js';

// The platform's lock manager fits the option's type as it is.
const platform: LockManagerLike | undefined = globalThis.navigator?.locks;

/** Exclusive locks by name, like navigator.locks, remembering which are held and what was asked for. */
class RecordingLocks implements LockManagerLike {
	readonly held = new Set<string>();
	readonly requested: string[] = [];
	readonly #tails = new Map<string, Promise<unknown>>();

	request<T>(name: string, _options: { signal?: AbortSignal }, callback: () => Promise<T>): Promise<T> {
		this.requested.push(name);
		const run = (this.#tails.get(name) ?? Promise.resolve()).then(async () => {
			this.held.add(name);
			try {
				return await callback();
			} finally {
				this.held.delete(name);
			}
		});
		this.#tails.set(
			name,
			run.catch(() => {}),
		);
		return run;
	}
}

type Setup = {
	/** A journal using `locks`, and a list that gets, for every write to its storage, the locks held then. */
	make: (locks: LockManagerLike | null | undefined) => { journal: Journal; heldAtWrites: string[][] };
	lockOf: (operation: string) => string;
};

const setups: [string, Setup][] = [
	[
		'WebStorageJournal',
		{
			make: (locks) => {
				const heldAtWrites: string[][] = [];
				const storage = new MapStorage();
				const setItem = storage.setItem.bind(storage);
				storage.setItem = (key, value) => {
					heldAtWrites.push(locks instanceof RecordingLocks ? [...locks.held] : []);
					setItem(key, value);
				};
				return {
					journal: new WebStorageJournal({ storage, ...(locks === undefined ? {} : { locks }) }),
					heldAtWrites,
				};
			},
			lockOf: (operation) => `idemkey:${JSON.stringify(['tenant-1', operation])}`,
		},
	],
	[
		'IndexedDBJournal',
		{
			make: (locks) => {
				const heldAtWrites: string[][] = [];
				const put = IDBObjectStore.prototype.put;
				vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (
					this: IDBObjectStore,
					...args
				) {
					heldAtWrites.push(locks instanceof RecordingLocks ? [...locks.held] : []);
					return put.apply(this, args);
				});
				const journal = indexedDBJournal(locks === undefined ? {} : { locks });
				return { journal, heldAtWrites };
			},
			lockOf: (operation) => `idemkey:idemkey:${JSON.stringify(['tenant-1', operation])}`,
		},
	],
];

describe.each(setups)('%s and Web Locks', (_name, { make, lockOf }) => {
	it("writes every create and compareAndSet while holding that operation's lock, and only that one", async () => {
		const locks = new RecordingLocks();
		const { journal, heldAtWrites } = make(locks);
		const first = await journal.create(record('op-1'));
		await journal.compareAndSet(claimed(first, first.createdAt + 1));
		await journal.create(record('op-2'));
		expect(heldAtWrites).toEqual([[lockOf('op-1')], [lockOf('op-1')], [lockOf('op-2')]]);
	});

	it('queues concurrent writers of one operation on its lock: one claim wins, the rest see its revision', async () => {
		const locks = new RecordingLocks();
		const { journal } = make(locks);
		const first = await journal.create(record('op-1'));
		const results = await Promise.all(
			Array.from({ length: 5 }, (_, i) => journal.compareAndSet(claimed(first, first.createdAt + i))),
		);
		expect(results.filter(Boolean)).toHaveLength(1);
		expect(locks.requested.filter((name) => name === lockOf('op-1'))).toHaveLength(6);
	});

	it('uses navigator.locks by default where the platform has it', async () => {
		expect(platform).toBeDefined();
		const request = vi.spyOn(platform as LockManagerLike, 'request');
		const { journal } = make(undefined);
		await journal.create(record('op-1'));
		expect(request.mock.calls.map(([name]) => name)).toEqual([lockOf('op-1')]);
	});

	it('ends a wait for a lock another tab holds when the signal aborts: the abort reason, nothing written', async () => {
		expect(platform).toBeDefined();
		const { journal, heldAtWrites } = make(platform);
		const first = await journal.create(record('op-1'));
		const writesBefore = heldAtWrites.length;
		// Another tab holds both operations' locks.
		let release!: () => void;
		const held = new Promise<void>((resolve) => {
			release = resolve;
		});
		for (const op of ['op-1', 'op-2']) void platform?.request(lockOf(op), {}, () => held);
		const controller = new AbortController();
		const { signal } = controller;
		const created = journal.create(record('op-2'), { signal });
		const swapped = journal.compareAndSet(claimed(first, first.createdAt + 1), { signal });
		controller.abort('tab closed');
		await expect(created).rejects.toBe('tab closed');
		await expect(swapped).rejects.toBe('tab closed');
		release();
		expect(heldAtWrites).toHaveLength(writesBefore);
		expect(await journal.get('tenant-1', 'op-2')).toBeUndefined();
		expect((await journal.get('tenant-1', 'op-1'))?.revision).toBe(1);
	});

	it('refuses at once, writing nothing, when the signal has already aborted (with or without locks)', async () => {
		for (const locks of [platform, null]) {
			const { journal, heldAtWrites } = make(locks);
			await expect(journal.create(record('op-9'), { signal: AbortSignal.abort('gone') })).rejects.toBe(
				'gone',
			);
			expect(heldAtWrites).toHaveLength(0);
		}
	});

	it('takes no lock at all with locks: null', async () => {
		const request = vi.spyOn(platform as LockManagerLike, 'request');
		const { journal, heldAtWrites } = make(null);
		const first = await journal.create(record('op-1'));
		expect(await journal.compareAndSet(claimed(first, first.createdAt + 1))).toBe(true);
		expect(request).not.toHaveBeenCalled();
		expect(heldAtWrites).toHaveLength(2);
	});
});
