import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it, vi } from 'vitest';
import { createClient, type Journal, JournalError, OutcomeUnknownError } from '../../../src/index.js';
import { WebStorageJournal } from '../../../src/journal/browser/web-storage.js';
import { sendJson } from '../../helpers/loopback-server.js';
import { fast, rejectionOf, serve } from '../../operation/support.js';
import { QuotaStorage } from './storage-stand-ins.js';
import { indexedDBJournal } from './support.js';

const booking = { classId: 'c7', clientId: 'u42' };

/** What a page needs to make its journal again after a reload, and to break its storage. */
type Site = {
	/** The journal a freshly loaded page makes over the site's storage. */
	load: () => Journal;
	/** Makes the storage refuse every write from now on, as a full one does. */
	fill: () => void;
	/** Overwrites the record of `operation` in scope 'default' with something that is not a record. */
	corrupt: (operation: string) => Promise<void>;
};

function webStorageSite(): Site {
	const storage = new QuotaStorage(Number.POSITIVE_INFINITY);
	return {
		load: () => new WebStorageJournal({ storage }),
		fill: () => {
			storage.quota = storage.used();
		},
		corrupt: async (operation) =>
			storage.setItem(`idemkey:${JSON.stringify(['default', operation])}`, '{"v":1,'),
	};
}

function indexedDBSite(): Site {
	const indexedDB = new IDBFactory();
	const load = () => indexedDBJournal({ indexedDB });
	return {
		load,
		fill: () => {
			vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
				throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
			});
		},
		corrupt: async (operation) => {
			// An earlier page made the database.
			await load().get('default', operation);
			const open = indexedDB.open('idemkey', 1);
			const db = await new Promise<IDBDatabase>((resolve) => {
				open.onsuccess = () => resolve(open.result);
			});
			const tx = db.transaction('records', 'readwrite');
			tx.objectStore('records').put({ record: { scope: 'default', operation, state: 'inflight' } });
			await new Promise((resolve) => {
				tx.oncomplete = resolve;
			});
			db.close();
		},
	};
}

describe.each([
	['WebStorageJournal', webStorageSite],
	['IndexedDBJournal', indexedDBSite],
])('createClient with a %s', (_name, makeSite) => {
	it('resends the same key after a page reload, then answers from the journal', async () => {
		let healthy = false;
		const server = await serve((_req, res) => {
			if (!healthy) return void res.socket?.destroy();
			sendJson(res, 201, { id: 'b1' });
		});
		const site = makeSite();
		const before = createClient({ baseUrl: server.url, journal: site.load(), retry: { ...fast, limit: 0 } });
		const lost = await rejectionOf(before.post('bookings', { json: booking, operation: 'book:u42:c7' }));
		expect(lost).toBeInstanceOf(OutcomeUnknownError);
		const key = server.received[0]?.headers['idempotency-key'];
		expect(key).toEqual(expect.any(String));

		healthy = true;
		const after = createClient({ baseUrl: server.url, journal: site.load(), retry: fast });
		const resumed = await after.post('bookings', { json: booking, operation: 'book:u42:c7' });
		expect(resumed).toMatchObject({ status: 201, key, data: { id: 'b1' } });
		expect(server.received.map((r) => r.headers['idempotency-key'])).toEqual([key, key]);

		const again = createClient({ baseUrl: server.url, journal: site.load(), retry: fast });
		const answered = await again.post('bookings', { json: booking, operation: 'book:u42:c7' });
		expect(answered).toMatchObject({ fromJournal: true, key, data: { id: 'b1' } });
		expect(server.received).toHaveLength(2);
	});

	it('sends nothing and says the storage is full when the claim cannot be written', async () => {
		const server = await serve((_req, res) => sendJson(res, 201, { id: 'b1' }));
		const site = makeSite();
		const journal = site.load();
		const api = createClient({ baseUrl: server.url, journal, retry: fast });
		await api.post('bookings', { json: booking, operation: 'first' });
		site.fill();
		const error = await rejectionOf(api.post('bookings', { json: booking, operation: 'second' }));
		expect(error).toBeInstanceOf(JournalError);
		expect((error as JournalError).message).toContain('the storage is full');
		expect((error as JournalError).operation).toBe('second');
		expect(server.received).toHaveLength(1);
	});

	it('sends nothing and names the record when the stored record is corrupt', async () => {
		const server = await serve((_req, res) => sendJson(res, 201, { id: 'b1' }));
		const site = makeSite();
		await site.corrupt('book:u42:c7');
		const api = createClient({ baseUrl: server.url, journal: site.load(), retry: fast });
		const error = await rejectionOf(api.post('bookings', { json: booking, operation: 'book:u42:c7' }));
		expect(error).toBeInstanceOf(JournalError);
		expect((error as JournalError).message).toContain('["default","book:u42:c7"]');
		expect((error as JournalError).operation).toBe('book:u42:c7');
		expect(server.received).toHaveLength(0);
	});
});
