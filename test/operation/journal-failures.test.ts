import { describe, expect, it } from 'vitest';
import {
	createClient,
	type Journal,
	JournalError,
	type JournalRecord,
	MemoryJournal,
	OutcomeUnknownError,
} from '../../src/index.js';
import { sendJson } from '../helpers/loopback-server.js';
import { fast, rejectionOf, serve } from './support.js';

const booking = { classId: 'c7', clientId: 'u42' };

type Method = 'get' | 'create' | 'compareAndSet';

/** A MemoryJournal (`inner`) with some of its methods replaced. */
function journalWith(
	overrides: (inner: MemoryJournal) => Partial<Journal>,
): Journal & { inner: MemoryJournal } {
	const inner = new MemoryJournal();
	return {
		inner,
		create: (r) => inner.create(r),
		get: (s, o) => inner.get(s, o),
		compareAndSet: (r) => inner.compareAndSet(r),
		listUnfinished: (s) => inner.listUnfinished(s),
		collectGarbage: (n) => inner.collectGarbage(n),
		...overrides(inner),
	};
}

/**
`method` of the journal answers with `answer`. The runner reads (`get`) only to re-read a record after losing a
compare-and-set to another writer, so a journal whose `get` misbehaves also loses the first one.
*/
function faultyJournal(method: Method, answer: () => Promise<never>) {
	let lostRace = method !== 'get';
	return journalWith((inner) => ({
		[method]: answer,
		...(method === 'get'
			? {
					compareAndSet: async (r: JournalRecord) => {
						if (lostRace) return inner.compareAndSet(r);
						lostRace = true;
						return false;
					},
				}
			: {}),
	}));
}

/**
Leaves operation `op-1` interrupted (outcome unknown) in `inner`, as a crashed or timed-out earlier run would: its
re-run must claim the record with a compare-and-set before anything is sent. (A new operation is created already
claimed, so create() is the only write before its first request.)
*/
async function interruptedEarlier(inner: MemoryJournal) {
	const dropping = await serve((_req, res) => void res.socket?.destroy());
	const earlier = createClient({ baseUrl: dropping.url, journal: inner, retry: { ...fast, limit: 0 } });
	await rejectionOf(earlier.post('bookings', { json: booking, operation: 'op-1' }));
	expect((await inner.get('default', 'op-1'))?.state).toBe('unknown');
}

describe('a failing journal', () => {
	it('raises JournalError and sends nothing when create throws', async () => {
		const server = await serve((_req, res) => sendJson(res, 201, {}));
		const failure = new Error('disk full (create)');
		const api = createClient({
			baseUrl: server.url,
			journal: faultyJournal('create', async () => {
				throw failure;
			}),
			retry: fast,
		});
		const error = await rejectionOf(api.post('bookings', { json: booking, operation: 'op-1' }));

		expect(error).toBeInstanceOf(JournalError);
		expect((error as JournalError).code).toBe('journal');
		expect((error as JournalError).operation).toBe('op-1');
		expect((error as JournalError).cause).toBe(failure);
		expect(server.received).toHaveLength(0);
	});

	it.each<Method>(['get', 'compareAndSet'])(
		'raises JournalError and sends nothing when %s throws while a re-run claims its record',
		async (method) => {
			const server = await serve((_req, res) => sendJson(res, 201, {}));
			const failure = new Error(`disk full (${method})`);
			const journal = faultyJournal(method, async () => {
				throw failure;
			});
			await interruptedEarlier(journal.inner);
			const api = createClient({ baseUrl: server.url, journal, retry: fast });
			const error = await rejectionOf(api.post('bookings', { json: booking, operation: 'op-1' }));

			expect(error).toBeInstanceOf(JournalError);
			expect((error as JournalError).operation).toBe('op-1');
			expect((error as JournalError).cause).toBe(failure);
			expect(server.received).toHaveLength(0);
		},
	);

	it('raises JournalError and sends nothing when compareAndSet keeps refusing the claim', async () => {
		const server = await serve((_req, res) => sendJson(res, 201, {}));
		let refusals = 0;
		const journal = journalWith(() => ({
			compareAndSet: async () => {
				refusals++;
				return false;
			},
		}));
		const { inner } = journal;
		await interruptedEarlier(inner);
		const api = createClient({ baseUrl: server.url, journal, retry: fast });
		const error = await rejectionOf(api.post('bookings', { json: booking, operation: 'op-1' }));

		expect(error).toBeInstanceOf(JournalError);
		expect((error as JournalError).operation).toBe('op-1');
		expect((error as JournalError).key).toBe((await inner.get('default', 'op-1'))?.key);
		expect(refusals).toBeGreaterThan(0);
		expect(server.received).toHaveLength(0);
		expect((await inner.get('default', 'op-1'))?.state).toBe('unknown');
	});

	it('raises OutcomeUnknownError (reason journal) and sends no retry when the claim of a retry fails', async () => {
		const server = await serve((_req, res) => void res.socket?.destroy());
		let writes = 0;
		const journal = journalWith((inner) => ({
			compareAndSet: async (r) => {
				// The first attempt was claimed by create(); record its unknown outcome, then the retry's claim fails.
				if (++writes === 2) throw new Error('connection lost');
				return inner.compareAndSet(r);
			},
		}));
		const { inner } = journal;
		const api = createClient({ baseUrl: server.url, journal, retry: fast });
		const error = await rejectionOf(api.post('bookings', { json: booking, operation: 'op-1' }));
		// The first attempt may have been applied: "nothing was sent" would be false for the call.
		expect(error).toBeInstanceOf(OutcomeUnknownError);
		expect(error).toMatchObject({ reason: 'journal', operation: 'op-1', attempts: 1 });
		expect((error as OutcomeUnknownError).cause).toBeInstanceOf(JournalError);
		expect(server.received).toHaveLength(1);
		expect((await inner.get('default', 'op-1'))?.state).toBe('unknown');
	});

	it.each([
		['get', { garbage: true }],
		['get', 'not a record'],
		['create', { v: 1, scope: 'default', operation: 'op-1' }],
	] as const)(
		'raises JournalError, not a false key reuse, and sends nothing when %s resolves %j',
		async (method, corrupt) => {
			const server = await serve((_req, res) => sendJson(res, 201, {}));
			const journal = faultyJournal(method, async () => corrupt as never);
			if (method === 'get') await interruptedEarlier(journal.inner);
			const api = createClient({ baseUrl: server.url, journal, retry: fast });
			const error = await rejectionOf(api.post('bookings', { json: booking, operation: 'op-1' }));
			expect(error).toBeInstanceOf(JournalError);
			expect((error as JournalError).operation).toBe('op-1');
			expect(server.received).toHaveLength(0);
		},
	);

	it('refuses to resume from a record of another operation that the journal hands back, and sends nothing', async () => {
		const server = await serve((_req, res) => sendJson(res, 201, {}));
		const journal = journalWith((inner) => ({
			// A broken store keyed on the wrong field: asked for op-1, it answers with op-2's record.
			get: (s) => inner.get(s, 'op-2'),
		}));
		await interruptedEarlier(journal.inner);
		const record = (await journal.inner.get('default', 'op-1')) as JournalRecord;
		await journal.inner.create({ ...record, operation: 'op-2' });
		const api = createClient({ baseUrl: server.url, journal, retry: fast });
		const error = await rejectionOf(api.resume('op-1'));
		expect(error).toBeInstanceOf(JournalError);
		expect((error as JournalError).operation).toBe('op-1');
		expect(server.received).toHaveLength(0);
	});
});
