import { describe, expect, it, vi } from 'vitest';
import {
	bardge,
	defineDialect,
	type IdemResult,
	MemoryJournal,
	OutcomeUnknownError,
	RequestRejectedError,
} from '../../src/index.js';
import { countingReads } from '../helpers/counting-journal.js';
import { waitFor } from '../helpers/virtual-time.js';
import { dialectHarness, FAST } from './harness.js';

const BASE = 'https://bardge.api.test/v1/';
const CANCEL = '/v1/bookings/b1/cancel';

const { serve, client } = dialectHarness('bardge', BASE);

const confirmed = [{ id: 'b1', status: 'confirmed' as const }];
const cancelled = [{ id: 'b1', status: 'cancelled' as const }];

describe('bardge: keys', () => {
	it('sends no key on POST /bookings/{id}/cancel', async () => {
		const state = serve({ bookings: confirmed });
		const res = await client().post('bookings/b1/cancel');
		expect(res.status).toBe(200);
		expect(res.key).toBeUndefined();
		expect(state.requests[0]?.key).toBeNull();
	});

	it('keys are optional: a booking POST without one is processed', async () => {
		const state = serve();
		const unkeyed = defineDialect({ ...bardge, name: 'bardge-unkeyed', keyedMethods: [] });
		const res = await client({ dialect: unkeyed }).post('bookings', { json: {} });
		expect(res.status).toBe(201);
		expect(res.key).toBeUndefined();
		expect(state.requests).toHaveLength(1);
		expect(state.requests[0]?.key).toBeNull();
		expect(state.effectCount).toBe(1);
	});
});

describe('bardge: concurrent duplicates', () => {
	it('blocks the second request until the first finishes and answers both with one response', async () => {
		const state = serve({ latencyMs: 40 });
		const [a, b] = await Promise.all([
			client().post('bookings', { json: { classId: 'c7' }, key: 'double-click' }),
			client().post('bookings', { json: { classId: 'c7' }, key: 'double-click' }),
		]);
		expect(a.data).toEqual(b.data);
		expect([a.replayed, b.replayed].sort()).toEqual([false, true]);
		// No in-progress answer, so no retries: one request each.
		expect(state.requests).toHaveLength(2);
		expect(state.effectCount).toBe(1);
	});
});

describe('bardge: cancel answers 409 already_cancelled', () => {
	it('after an attempt whose outcome was unknown, confirms that attempt landed: success, one effect', async () => {
		const state = serve({ bookings: confirmed, faults: ['drop-after-commit'] });
		const res = await client().post('bookings/b1/cancel');
		expect(res.replayed).toBe(true);
		expect(res.attempts).toBe(2);
		expect(res.key).toBeUndefined();
		expect(state.requests.map((r) => [r.path, r.key])).toEqual([
			[CANCEL, null],
			[CANCEL, null],
		]);
		expect(state.bookings.get('b1')?.status).toBe('cancelled');
		expect(state.effects.get(`POST ${CANCEL}`)).toBe(1);
	});

	it('after an earlier run of the operation ended unknown, confirms that run landed: success, one effect', async () => {
		const state = serve({ bookings: confirmed, faults: ['drop-after-commit', 'drop-before'] });
		const api = client({ retry: { ...FAST, limit: 1 } });
		const first = await api.post('bookings/b1/cancel', { operation: 'cancel-b1' }).catch((e: unknown) => e);
		expect(first).toBeInstanceOf(OutcomeUnknownError);
		expect((await api.journal.get(api.scope, 'cancel-b1'))?.state).toBe('unknown');

		const res = await api.post('bookings/b1/cancel', { operation: 'cancel-b1' });
		expect(res.replayed).toBe(true);
		expect(res.attempts).toBe(1);
		expect(res.fromJournal).toBe(false);
		expect(state.requests.map((r) => [r.path, r.key])).toEqual([
			[CANCEL, null],
			[CANCEL, null],
			[CANCEL, null],
		]);
		expect(state.effects.get(`POST ${CANCEL}`)).toBe(1);
		expect((await api.journal.get(api.scope, 'cancel-b1'))?.state).toBe('succeeded');
	});

	it('two callers sharing a journal cancel at once: one request, and both are told its success', async () => {
		// Both create the record in the same millisecond: only identity tells whose first attempt it is.
		vi.useFakeTimers({ toFake: ['Date'] });
		const state = serve({ bookings: confirmed, latencyMs: 30 });
		const journal = new MemoryJournal();
		const [a, b] = await Promise.all([
			client({ journal }).post('bookings/b1/cancel', { operation: 'cancel-b1' }),
			client({ journal }).post('bookings/b1/cancel', { operation: 'cancel-b1' }),
		]);
		// The second caller found the first's lease live: it sent nothing and answered from the journal.
		expect([a.status, b.status]).toEqual([200, 200]);
		expect([a.fromJournal, b.fromJournal].sort()).toEqual([false, true]);
		expect(state.requests).toHaveLength(1);
		expect(state.effects.get(`POST ${CANCEL}`)).toBe(1);
	});

	it("a second caller sends nothing while the first's cancel is on the wire, then is told its success", async () => {
		const state = serve({ bookings: confirmed });
		const journal = new MemoryJournal();
		const watched = countingReads(journal);
		// The first caller's request leaves only once the second caller has looked at the journal while waiting.
		const late: typeof fetch = async (input, init) => {
			await waitFor(() => watched.reads >= 2, "the other caller's wait");
			return fetch(input, init);
		};
		const first = client({ journal, fetch: late }).post('bookings/b1/cancel', { operation: 'cancel-b1' });
		const second = client({ journal: watched }).post('bookings/b1/cancel', { operation: 'cancel-b1' });
		const [a, b] = await Promise.all([first, second]);
		expect([a.status, a.fromJournal]).toEqual([200, false]);
		expect([b.status, b.replayed, b.fromJournal, b.attempts]).toEqual([200, true, true, 0]);
		expect(state.requests).toHaveLength(1);
		expect(state.effects.get(`POST ${CANCEL}`)).toBe(1);
	});

	it('a caller whose first attempt was turned away (429), rerun meanwhile by another that applied it, is told success', async () => {
		const state = serve({ bookings: confirmed, faults: ['429'] });
		const journal = new MemoryJournal();
		let second: Promise<IdemResult> | undefined;
		const first = client({
			journal,
			onEvent: (event) => {
				if (event.type === 'retry')
					second ??= client({ journal }).post('bookings/b1/cancel', { operation: 'cancel-b1' });
			},
		}).post('bookings/b1/cancel', { operation: 'cancel-b1' });
		const a = await first;
		const b = await second;
		// Its retry found the other caller's attempt on the wire (or already answered): it waited and took that answer.
		expect([a.status, a.replayed, a.fromJournal]).toEqual([200, true, true]);
		expect(b?.status).toBe(200);
		expect(state.requests).toHaveLength(2);
		expect(state.effects.get(`POST ${CANCEL}`)).toBe(1);
	});

	it('on a first attempt, is a RequestRejectedError showing already_cancelled, never retried', async () => {
		const state = serve({ bookings: cancelled });
		const error = await client()
			.post('bookings/b1/cancel')
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(RequestRejectedError);
		const rejected = error as RequestRejectedError;
		expect(rejected.status).toBe(409);
		expect(rejected.errorCode).toBe('already_cancelled');
		expect(rejected.body).toMatchObject({ error: 'already_cancelled' });
		expect(state.requests).toHaveLength(1);
	});
});

describe('bardge: keys are kept 90 s', () => {
	// A booking whose first attempt landed but whose answer was lost, then whose retry failed too.
	async function interrupted(dialect = bardge) {
		vi.useFakeTimers({ toFake: ['Date'] });
		const state = serve({ faults: ['drop-after-commit', 'drop-before'] });
		const api = client({ dialect, retry: { ...FAST, limit: 1 } });
		await expect(api.post('bookings', { json: {}, operation: 'op' })).rejects.toBeInstanceOf(
			OutcomeUnknownError,
		);
		return { state, api };
	}

	it('the server forgets the key after 90 s: a client unaware of it books twice', async () => {
		const { state, api } = await interrupted(
			defineDialect({ ...bardge, name: 'bardge-no-retention', retentionMs: undefined }),
		);
		vi.setSystemTime(Date.now() + 91_000);
		const res = await api.post('bookings', { json: {}, operation: 'op' });
		expect(res.replayed).toBe(false);
		expect(state.duplicates()).toEqual([[res.key, 2]]);
	});
});
