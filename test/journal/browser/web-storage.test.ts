import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebStorageJournal } from '../../../src/journal/browser/web-storage.js';
import { claimed, settled } from '../../../src/journal/lifecycle.js';
import { runJournalConformance } from '../../../src/testing/index.js';
import { MapStorage, QuotaStorage, twoTabs } from './storage-stand-ins.js';
import { NOW, record, rejection } from './support.js';

const api = { describe, it, expect, beforeEach, afterEach };

runJournalConformance(
	'WebStorageJournal with Web Locks',
	() => new WebStorageJournal({ storage: new MapStorage() }),
	api,
);
runJournalConformance(
	'WebStorageJournal without Web Locks',
	() => new WebStorageJournal({ storage: new MapStorage(), locks: null }),
	api,
);
runJournalConformance(
	'WebStorageJournal in two tabs sharing one storage',
	() => {
		const storage = new MapStorage();
		return twoTabs(new WebStorageJournal({ storage }), new WebStorageJournal({ storage }));
	},
	api,
);

const entryOf = (operation: string, scope = 'tenant-1', prefix = 'idemkey:') =>
	`${prefix}${JSON.stringify([scope, operation])}`;

/** A succeeded record whose retention ended before NOW + 100_000. */
const finished = (operation: string) =>
	settled(claimed(record(operation), NOW + 1), 'succeeded', NOW + 2, {
		status: 201,
		replayed: false,
		headers: [],
	});

describe('WebStorageJournal storage', () => {
	afterEach(() => {
		vi.unstubAllGlobals();
	});

	it('writes one JSON entry per record to localStorage by default, under the prefix idemkey:', async () => {
		const storage = new MapStorage();
		vi.stubGlobal('localStorage', storage);
		const journal = new WebStorageJournal();
		const written = record('book:u42:c7');
		await journal.create(written);
		await journal.create(record('other'));
		expect([...storage.entries.keys()]).toEqual([entryOf('book:u42:c7'), entryOf('other')]);
		expect(JSON.parse(storage.getItem(entryOf('book:u42:c7')) ?? '')).toEqual(written);
	});

	it('reads the records another journal wrote to the same storage, as after a page reload', async () => {
		const storage = new MapStorage();
		const before = new WebStorageJournal({ storage });
		const claim = claimed(await before.create(record('op-1')), NOW + 1);
		await before.compareAndSet(claim);
		const after = new WebStorageJournal({ storage });
		expect(await after.get('tenant-1', 'op-1')).toEqual(claim);
		expect(await after.listUnfinished('tenant-1')).toEqual([claim]);
	});

	it('constructs without a localStorage, then rejects calls with a JournalError that says to pass { storage }', async () => {
		vi.stubGlobal('localStorage', undefined);
		const journal = new WebStorageJournal();
		const error = await rejection(journal.create(record('op-1')));
		expect(error.message).toContain('pass { storage }');
	});

	it('reports a localStorage the browser refuses to hand out (site data blocked) as a JournalError', async () => {
		Object.defineProperty(globalThis, 'localStorage', {
			configurable: true,
			get: () => {
				throw new DOMException('Access is denied for this document.', 'SecurityError');
			},
		});
		try {
			const error = await rejection(new WebStorageJournal().get('tenant-1', 'op-1'));
			expect(error.message).toContain('SecurityError');
			expect(error.message).toContain('pass { storage }');
		} finally {
			delete (globalThis as { localStorage?: unknown }).localStorage;
		}
	});

	it("shares a storage with the app's own entries without reading, listing or collecting them", async () => {
		const storage = new MapStorage();
		storage.setItem('theme', 'dark');
		storage.setItem('idemkey:settings', '{"v":1}');
		storage.setItem('idemkey:["tenant-1"', 'not ours either');
		const journal = new WebStorageJournal({ storage });
		const pending = await journal.create(record('op-1'));
		const done = finished('op-2');
		await journal.create(record('op-2'));
		await journal.compareAndSet(claimed(record('op-2'), NOW + 1));
		await journal.compareAndSet(done);
		expect(await journal.listUnfinished('tenant-1')).toEqual([pending]);
		expect(await journal.collectGarbage(NOW + 100_000)).toBe(1);
		expect(storage.getItem('theme')).toBe('dark');
		expect(storage.getItem('idemkey:settings')).toBe('{"v":1}');
		expect(storage.getItem('idemkey:["tenant-1"')).toBe('not ours either');
		expect(storage.length).toBe(4);
	});

	it('keeps journals with different prefixes apart in one storage', async () => {
		const storage = new MapStorage();
		const shop = new WebStorageJournal({ storage, prefix: 'shop/' });
		const admin = new WebStorageJournal({ storage, prefix: 'admin/' });
		const mine = await shop.create(record('op-1'));
		expect(await admin.get('tenant-1', 'op-1')).toBe(undefined);
		expect(await admin.listUnfinished('tenant-1')).toEqual([]);
		expect(storage.getItem(entryOf('op-1', 'tenant-1', 'shop/'))).toBe(JSON.stringify(mine));
	});
});

describe('WebStorageJournal with a corrupt or foreign entry', () => {
	const foreign = JSON.stringify(record('someone-else'));
	const futureVersion = JSON.stringify({ ...record('op-1'), v: 2 });
	const missingFields = JSON.stringify({ scope: 'tenant-1', operation: 'op-1', key: 'k' });

	it.each([
		['half-written JSON', '{"v":1,"scope":"ten'],
		['text that is not JSON at all', 'hello'],
		['a record of another operation', foreign],
		['a record of a future format', futureVersion],
		['a record missing fields', missingFields],
		['JSON null', 'null'],
	])(
		'rejects get and compareAndSet of an entry holding %s with a JournalError naming the entry, and leaves it and every other record in place',
		async (_what, text) => {
			const storage = new MapStorage();
			const journal = new WebStorageJournal({ storage });
			const healthy = await journal.create(record('op-2'));
			storage.setItem(entryOf('op-1'), text);

			const read = await rejection(journal.get('tenant-1', 'op-1'));
			expect(read.message).toContain(`Web Storage entry "${entryOf('op-1')}"`);
			expect(read.operation).toBe('op-1');
			const write = await rejection(journal.compareAndSet(claimed(record('op-1'), NOW + 1)));
			expect(write.message).toContain(entryOf('op-1'));
			await rejection(journal.create(record('op-1')));
			expect(storage.getItem(entryOf('op-1'))).toBe(text);
			expect(await journal.get('tenant-1', 'op-2')).toEqual(healthy);
		},
	);

	it("fails listUnfinished of the corrupt entry's scope naming the entry, rather than hide an operation of unknown outcome", async () => {
		const storage = new MapStorage();
		const journal = new WebStorageJournal({ storage });
		const elsewhere = await journal.create(record('op-1', 'tenant-2'));
		storage.setItem(entryOf('op-9'), '{"torn');
		const error = await rejection(journal.listUnfinished('tenant-1'));
		expect(error.message).toContain(entryOf('op-9'));
		expect(await journal.listUnfinished('tenant-2')).toEqual([elsewhere]);
	});

	it('collects the finished records around a corrupt entry and leaves the entry for get() to report', async () => {
		const storage = new MapStorage();
		const journal = new WebStorageJournal({ storage });
		for (const operation of ['op-1', 'op-3']) {
			await journal.create(record(operation));
			await journal.compareAndSet(claimed(record(operation), NOW + 1));
			await journal.compareAndSet(finished(operation));
		}
		storage.setItem(entryOf('op-2'), 'garbage');
		expect(await journal.collectGarbage(NOW + 100_000)).toBe(2);
		expect([...storage.entries.keys()]).toEqual([entryOf('op-2')]);
	});
});

describe('WebStorageJournal with a full storage', () => {
	it('rejects a create with a JournalError saying the storage is full, naming the entry, and writes nothing', async () => {
		const storage = new QuotaStorage(10);
		const journal = new WebStorageJournal({ storage });
		const error = await rejection(journal.create(record('op-1')));
		expect(error.message).toContain('the storage is full');
		expect(error.message).toContain(entryOf('op-1'));
		expect(error.operation).toBe('op-1');
		expect((error.cause as DOMException).name).toBe('QuotaExceededError');
		expect(storage.length).toBe(0);
	});

	it('rejects a claim that does not fit and keeps the record as it was', async () => {
		const first = record('op-1');
		const storage = new QuotaStorage(entryOf('op-1').length + JSON.stringify(first).length);
		const journal = new WebStorageJournal({ storage });
		await journal.create(first);
		const claim = { ...claimed(first, NOW + 1), path: '/bookings/a-longer-path-that-no-longer-fits' };
		const error = await rejection(journal.compareAndSet(claim));
		expect(error.message).toContain('the storage is full');
		expect(await journal.get('tenant-1', 'op-1')).toEqual(first);
	});

	it('recognises the quota errors of older Firefox (NS_ERROR_DOM_QUOTA_REACHED) and legacy code 22', async () => {
		for (const thrown of [
			new DOMException('full', 'NS_ERROR_DOM_QUOTA_REACHED'),
			Object.assign(new Error('full'), { code: 22 }),
		]) {
			const storage = new MapStorage();
			storage.setItem = () => {
				throw thrown;
			};
			const error = await rejection(new WebStorageJournal({ storage }).create(record('op-1')));
			expect(error.message).toContain('the storage is full');
		}
	});

	it('reports any other write failure with its name and message', async () => {
		const storage = new MapStorage();
		storage.setItem = () => {
			throw new DOMException('The operation is insecure.', 'SecurityError');
		};
		const error = await rejection(new WebStorageJournal({ storage }).create(record('op-1')));
		expect(error.message).toContain('SecurityError: The operation is insecure.');
		expect(error.message).not.toContain('full');
	});
});
