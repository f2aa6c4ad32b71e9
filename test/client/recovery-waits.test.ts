import { afterEach, describe, expect, it, vi } from 'vitest';
import { bardge, createClient, InvalidRequestError, JournalError, MemoryJournal } from '../../src/index.js';
import { newClaimedRecord } from '../../src/journal/lifecycle.js';
import { refusalOf, rejectionOf } from '../operation/support.js';

/*
Recovery calls (pending, resume, resumeAll, abandon, resolve) face the same broken journals and odd inputs as a call:
every wait ends with the caller's signal or deadline, every failure is typed, and nothing reaches the host as a
TypeError or a promise that never settles.
*/

afterEach(() => {
	vi.useRealTimers();
});

const never = () => new Promise<never>(() => {});

/** A Bardge operation left `unknown` whose key window has passed: resuming it asks `onExpired`. */
async function expiredJournal(): Promise<MemoryJournal> {
	const journal = new MemoryJournal();
	const now = Date.now();
	const claimed = newClaimedRecord({
		scope: 'default',
		operation: 'book:0',
		key: 'k-expired',
		fingerprint: 'f',
		method: 'POST',
		path: '/v1/bookings',
		now: now - 200_000,
		retentionMs: bardge.retentionMs,
		keepMs: 1_000,
		request: { url: 'http://127.0.0.1:9/v1/bookings', headers: [], body: 'e30=' },
	});
	await journal.create({ ...claimed, state: 'unknown', attemptsFinished: 1 });
	return journal;
}

/** No server is ever reached in these tests: port 9 (discard) on loopback refuses, should anything be sent. */
const baseUrl = 'http://127.0.0.1:9/v1/';

describe('onExpired is waited for only as long as the caller allows', () => {
	it('resume(): an abort while the hook runs rejects with the abort reason and leaves the record as it was', async () => {
		const journal = await expiredJournal();
		const before = await journal.get('default', 'book:0');
		const controller = new AbortController();
		const reason = new Error('caller gone');
		// The hook starts a lookup that never answers; the caller gives up meanwhile.
		const onExpired = () => {
			controller.abort(reason);
			return never();
		};
		const api = createClient({ baseUrl, journal, dialect: 'bardge', onExpired });
		expect(await rejectionOf(api.resume('book:0', { signal: controller.signal }))).toBe(reason);
		expect(await journal.get('default', 'book:0')).toEqual(before);
	});

	it('resumeAll(): the same abort ends the whole call, not only its reports', async () => {
		const journal = await expiredJournal();
		const controller = new AbortController();
		const reason = new Error('shutting down');
		const onExpired = () => {
			controller.abort(reason);
			return never();
		};
		const api = createClient({ baseUrl, journal, dialect: 'bardge', onExpired });
		expect(await rejectionOf(api.resumeAll({ signal: controller.signal }))).toBe(reason);
	});

	it('a hook answer that cannot even be printed is an InvalidRequestError naming onExpired, not a TypeError', async () => {
		const journal = await expiredJournal();
		const api = createClient({ baseUrl, journal, dialect: 'bardge' });
		const error = await rejectionOf(
			api.resume('book:0', { onExpired: () => ({ action: 'later', when: 10n }) as never }),
		);
		expect(error).toBeInstanceOf(InvalidRequestError);
		expect((error as InvalidRequestError).field).toBe('onExpired');
		// resumeAll() reports it for that operation instead of rejecting as a whole.
		const [report] = await createClient({
			baseUrl,
			journal,
			dialect: 'bardge',
			onExpired: () => ({ action: 'later', when: 10n }) as never,
		}).resumeAll();
		expect(report).toMatchObject({ operation: 'book:0', ok: false });
		expect((report as { error: unknown }).error).toBeInstanceOf(InvalidRequestError);
		expect((report as { error: InvalidRequestError }).error.field).toBe('onExpired');
	});

	it('a settlement the journal fails to write names the key the operation holds, not the one "resend" minted', async () => {
		const journal = await expiredJournal();
		journal.compareAndSet = async () => {
			throw new Error('disk full');
		};
		const api = createClient({ baseUrl, journal, dialect: 'bardge' });
		for (const action of ['resend', 'abandon', 'result'] as const) {
			const error = await rejectionOf(
				api.resume('book:0', {
					onExpired: () => (action === 'result' ? { action, status: 201 } : { action }),
				}),
			);
			expect(error).toBeInstanceOf(JournalError);
			// The key a caller reconciles with: the fresh one was never journaled, nor sent.
			expect((error as JournalError).key).toBe('k-expired');
			expect((await journal.get('default', 'book:0'))?.key).toBe('k-expired');
		}
	});
});

describe('listing unfinished operations', () => {
	/** A journal whose `listUnfinished` does what it is told; every other call works. */
	const listing = (list: () => unknown) => {
		const journal = new MemoryJournal();
		(journal as { listUnfinished: unknown }).listUnfinished = list;
		return journal;
	};

	it('a listing that never answers: pending() gives up at retry.maxRetryTime with a JournalError', async () => {
		vi.useFakeTimers();
		const api = createClient({ journal: listing(never), retry: { maxRetryTime: 5_000 } });
		const pending = rejectionOf(api.pending());
		await vi.advanceTimersByTimeAsync(5_000);
		const error = await pending;
		expect(error).toBeInstanceOf(JournalError);
		expect((error as Error).message).toContain('maxRetryTime');
	});

	it('a listing that never answers: resumeAll() ends with its signal', async () => {
		let asked!: () => void;
		const listed = new Promise<void>((resolve) => {
			asked = resolve;
		});
		const api = createClient({
			journal: listing(() => {
				asked();
				return never();
			}),
		});
		const controller = new AbortController();
		const all = rejectionOf(api.resumeAll({ signal: controller.signal }));
		// The abort lands while the listing is awaited, not before it is asked for.
		await listed;
		const reason = new Error('shutting down');
		controller.abort(reason);
		expect(await all).toBe(reason);
	});

	it.each([
		['null', null],
		['an object', { records: [] }],
		['a string', '[]'],
	])('a listing that is %s is a JournalError, from pending() and resumeAll() alike', async (_, value) => {
		const api = createClient({ journal: listing(async () => value) });
		for (const error of [await rejectionOf(api.pending()), await rejectionOf(api.resumeAll())]) {
			expect(error).toBeInstanceOf(JournalError);
			expect((error as Error).message).toContain('not an array');
		}
	});
});

describe('options that are not objects', () => {
	const api = createClient({ baseUrl });
	it.each([
		['resume(op, null)', () => api.resume('book:0', null as never)],
		['resumeAll(null)', () => api.resumeAll(null as never)],
		['resumeAll("all")', () => api.resumeAll('all' as never)],
		['abandon(op, null)', () => api.abandon('book:0', null as never)],
		['abandon(op, "why")', () => api.abandon('book:0', 'why' as never)],
		['resolve(op, null)', () => api.resolve('book:0', null as never)],
	])('%s is an InvalidRequestError naming options', async (_, call) => {
		const error = await rejectionOf(call());
		expect(error).toBeInstanceOf(InvalidRequestError);
		expect((error as InvalidRequestError).field).toBe('options');
	});

	it.each([
		['null', null],
		['a string', 'https://api.example.com/'],
		['an array', []],
	])('createClient with %s is refused (field options), not taken for no options', (_, options) => {
		expect(refusalOf(() => createClient(options as never)).field).toBe('options');
	});
});
