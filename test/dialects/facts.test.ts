// The DESIGN §4 facts every dialect shares in shape, one row per dialect: which methods carry a key, key
// validation, the replay signal, retries of 5xx with the same key and bytes, the server's answer to a key reused
// for another request, and retention. Keyed by DialectName, so a dialect added to the catalogue without its row here
// fails typecheck (docs/dialects/adding.md).
import { describe, expect, expectTypeOf, it, vi } from 'vitest';
import {
	type DialectName,
	dialects,
	InvalidRequestError,
	KeyExpiredError,
	KeyReuseError,
	OutcomeUnknownError,
} from '../../src/index.js';
import type { Fault } from '../../src/testing/index.js';
import { dialectHarness, FAST, HOUR } from './harness.js';

type Method = 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'GET';

type Row = {
	/** Methods (on `bookings` for POST, `bookings/b1` otherwise) that carry a key. */
	keyed: readonly Method[];
	/** `res.replayed` on a fresh answer and on a replay, and the header that says so (if any). */
	replayed: { fresh: boolean | undefined; replay: boolean | undefined; header?: [string, string] };
	/** Faults that fail two attempts with 5xx but let the third be processed exactly once. */
	fiveHundreds: Fault[];
	/** Status of the server's answer to a key reused with another body. */
	mismatchStatus: number;
	retentionMs: number | undefined;
};

const ALL: readonly Method[] = ['POST', 'PUT', 'PATCH', 'DELETE', 'GET'];

const facts: Record<DialectName, Row> = {
	ietf: {
		keyed: ['POST', 'PUT', 'PATCH', 'DELETE'],
		replayed: { fresh: undefined, replay: undefined },
		fiveHundreds: ['503-before', '503-after'],
		mismatchStatus: 422,
		retentionMs: undefined,
	},
	stripe: {
		keyed: ['POST'],
		replayed: { fresh: false, replay: true, header: ['idempotent-replayed', 'true'] },
		// Stripe stores a 5xx that followed the effect and replays it, so only failures before it are retried.
		fiveHundreds: ['503-before', '503-before'],
		mismatchStatus: 400,
		retentionMs: 24 * HOUR,
	},
	bardge: {
		keyed: ['POST', 'PUT', 'PATCH', 'DELETE'],
		replayed: { fresh: false, replay: true, header: ['x-idempotent-replayed', 'true'] },
		fiveHundreds: ['503-before', '503-after'],
		mismatchStatus: 409,
		retentionMs: 90_000,
	},
	'42min': {
		keyed: ['POST', 'PUT', 'PATCH', 'DELETE'],
		// A replay repeats the stored status and says nothing more.
		replayed: { fresh: undefined, replay: undefined },
		fiveHundreds: ['503-before', '503-after'],
		mismatchStatus: 409,
		retentionMs: 24 * HOUR,
	},
	repull: {
		keyed: ['POST', 'PUT', 'PATCH'],
		replayed: { fresh: false, replay: true, header: ['idempotency-status', 'cached'] },
		fiveHundreds: ['503-before', '503-after'],
		mismatchStatus: 409,
		retentionMs: 24 * HOUR,
	},
	problem: {
		keyed: ['POST', 'PUT', 'PATCH', 'DELETE'],
		replayed: { fresh: undefined, replay: undefined },
		fiveHundreds: ['503-before', '503-after'],
		mismatchStatus: 409,
		retentionMs: undefined,
	},
};

// Checked by typecheck: were DialectName widened to string, the record above would no longer demand a row per dialect.
expectTypeOf<string>().not.toExtend<DialectName>();

const rows = Object.entries(facts).map(([dialect, row]) => ({ dialect: dialect as DialectName, ...row }));

const { serveAs, client: baseClient } = dialectHarness('ietf', 'https://api.test/v1/');

describe.each(rows)('$dialect', (row) => {
	const serve = (options: Parameters<typeof serveAs>[1] = {}) =>
		serveAs(row.dialect, { bookings: [{ id: 'b1', status: 'confirmed' }], ...options });
	const client = (options: Parameters<typeof baseClient>[0] = {}) =>
		baseClient({ dialect: row.dialect, ...options });

	it.each(ALL.map((method) => [method, row.keyed.includes(method)] as const))(
		'%s carries a key: %s',
		async (method, keyed) => {
			const state = serve();
			const path = method === 'POST' ? 'bookings' : 'bookings/b1';
			const body = ['POST', 'PUT', 'PATCH'].includes(method) ? { json: { seats: 1 } } : {};
			const res = await client().request(method, path, body);
			expect(res.key !== undefined).toBe(keyed);
			expect(state.requests.map((r) => r.key)).toEqual([res.key ?? null]);
		},
	);

	it.each([
		['a space', 'two words'],
		['a double quote', 'say"hi'],
		['a control character', 'line\nbreak'],
		['256 characters', 'k'.repeat(256)],
		['no characters', ''],
	])('refuses a key with %s before any request', async (_why, key) => {
		const state = serve();
		const error = await client()
			.post('bookings', { json: {}, key })
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(InvalidRequestError);
		expect((error as InvalidRequestError).field).toBe('key');
		expect(state.requests).toHaveLength(0);
	});

	it('sends a 255-character key as it is', async () => {
		const state = serve();
		const key = 'k'.repeat(255);
		await client().post('bookings', { json: {}, key });
		expect(state.requests[0]?.key).toBe(key);
	});

	it(`reports replayed: ${row.replayed.fresh} on a fresh answer`, async () => {
		serve();
		const res = await client().post('bookings', { json: { classId: 'c7' } });
		expect(res.status).toBe(201);
		expect(res.replayed).toBe(row.replayed.fresh);
	});

	it(`after a network error past commit, retries with the same key: one effect, replayed: ${row.replayed.replay}`, async () => {
		const state = serve({ faults: ['drop-after-commit'] });
		const res = await client().post('bookings', { json: { classId: 'c7' } });
		expect(res.status).toBe(201);
		expect(res.attempts).toBe(2);
		expect(res.replayed).toBe(row.replayed.replay);
		if (row.replayed.header) expect(res.headers.get(row.replayed.header[0])).toBe(row.replayed.header[1]);
		expect(state.requests.map((r) => r.key)).toEqual([res.key, res.key]);
		expect(state.effects.get(res.key as string)).toBe(1);
		expect(state.duplicates()).toEqual([]);
	});

	it('retries 5xx with the same key and the same bytes', async () => {
		const state = serve({ faults: row.fiveHundreds });
		const res = await client().post('bookings', { json: { classId: 'c7', seats: 1 } });
		expect(res.status).toBe(201);
		expect(state.requests.map((r) => r.key)).toEqual([res.key, res.key, res.key]);
		expect(new Set(state.requests.map((r) => r.body)).size).toBe(1);
		expect(state.effectCount).toBe(1);
	});

	it(`raises KeyReuseError from the server's ${row.mismatchStatus} for the same key with another body, never retried`, async () => {
		const state = serve();
		await client().post('bookings', { json: { classId: 'c7' }, key: 'shared-key' });
		const error = await client()
			.post('bookings', { json: { classId: 'c8' }, key: 'shared-key' })
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(KeyReuseError);
		expect((error as KeyReuseError).source).toBe('server');
		expect((error as KeyReuseError).status).toBe(row.mismatchStatus);
		expect((error as KeyReuseError).key).toBe('shared-key');
		expect(state.requests).toHaveLength(2);
		expect(state.effectCount).toBe(1);
	});

	it(`declares retention ${row.retentionMs === undefined ? 'undefined' : `${row.retentionMs} ms`}`, () => {
		expect(dialects[row.dialect]?.retentionMs).toBe(row.retentionMs);
	});

	const retention = row.retentionMs;
	if (retention === undefined) return;

	// An operation whose first attempt landed but whose answer was lost, then whose retry failed too.
	async function interrupted() {
		vi.useFakeTimers({ toFake: ['Date'] });
		const state = serve({ faults: ['drop-after-commit', 'drop-before'] });
		const api = client({ retry: { ...FAST, limit: 1 } });
		await expect(api.post('bookings', { json: {}, operation: 'op' })).rejects.toBeInstanceOf(
			OutcomeUnknownError,
		);
		return { state, api };
	}

	it('resumes an interrupted operation within retention with the same key and gets the stored answer', async () => {
		const { state, api } = await interrupted();
		vi.setSystemTime(Date.now() + retention * 0.6);
		const res = await api.post('bookings', { json: {}, operation: 'op' });
		expect(res.replayed).toBe(row.replayed.replay);
		expect(state.requests.map((r) => r.key)).toEqual([res.key, res.key, res.key]);
		expect(state.effectCount).toBe(1);
	});

	it('refuses to resume it once retention has passed (KeyExpiredError), without sending', async () => {
		const { state, api } = await interrupted();
		vi.setSystemTime(Date.now() + retention);
		const error = await api.post('bookings', { json: {}, operation: 'op' }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(KeyExpiredError);
		expect((error as KeyExpiredError).operation).toBe('op');
		expect(state.requests).toHaveLength(2);
		expect(state.effectCount).toBe(1);
	});
});
