import { describe, expect, it } from 'vitest';
import { createClient } from '../../src/index.js';
import { SingleFlight } from '../../src/operation/single-flight.js';
import { sendJson } from '../helpers/loopback-server.js';
import { fast, rejectionOf, serve } from './support.js';

/** A promise settled from outside. */
function deferred<T>() {
	let resolve!: (value: T) => void;
	let reject!: (error: unknown) => void;
	const promise = new Promise<T>((res, rej) => {
		resolve = res;
		reject = rej;
	});
	return { promise, resolve, reject };
}

/** Where a caller's promise stands after the microtasks queued so far have run. */
async function stateOf(
	promise: Promise<unknown>,
): Promise<'pending' | { value: unknown } | { error: unknown }> {
	let state: 'pending' | { value: unknown } | { error: unknown } = 'pending';
	promise.then(
		(value) => {
			state = { value };
		},
		(error: unknown) => {
			state = { error };
		},
	);
	for (let i = 0; i < 10; i++) await Promise.resolve();
	return state;
}

/** A SingleFlight whose one run settles when the test says, recording the signal each run was given. */
function flights() {
	const flight = new SingleFlight<string>();
	const runs: { signal: AbortSignal | undefined; result: ReturnType<typeof deferred<string>> }[] = [];
	const start = (signal: AbortSignal | undefined) => {
		const result = deferred<string>();
		// Like a journaled run: an abort of the run's signal ends it with what the stop left behind.
		signal?.addEventListener('abort', () =>
			result.reject(new Error(`run stopped: ${String(signal.reason)}`)),
		);
		runs.push({ signal, result });
		return result.promise;
	};
	const join = (signal?: AbortSignal) => flight.run('op', 'fp', signal, start, () => new Error('mismatch'));
	return { flight, runs, join };
}

describe('SingleFlight: each caller signal affects that caller alone', () => {
	it("A aborts: A gets its reason at once, B (no signal) still gets the run's result", async () => {
		const { runs, join } = flights();
		const a = new AbortController();
		const pa = join(a.signal);
		const pb = join();
		a.abort('A left');
		expect(await stateOf(pa)).toEqual({ error: 'A left' });
		expect(runs[0]?.signal?.aborted).toBe(false);
		expect(await stateOf(pb)).toBe('pending');
		runs[0]?.result.resolve('done');
		expect(await pb).toBe('done');
		expect(runs).toHaveLength(1);
	});

	it("a joiner's own abort releases it at once; the first caller (no signal) is untouched", async () => {
		const { runs, join } = flights();
		const b = new AbortController();
		const pa = join();
		const pb = join(b.signal);
		b.abort('B left');
		expect(await stateOf(pb)).toEqual({ error: 'B left' });
		expect(runs[0]?.signal).toBeUndefined();
		runs[0]?.result.resolve('done');
		expect(await pa).toBe('done');
	});

	it('the run is stopped only when the last waiting caller aborts, and that caller hears how it ended', async () => {
		const { runs, join } = flights();
		const a = new AbortController();
		const b = new AbortController();
		const c = new AbortController();
		const pa = join(a.signal);
		const pb = join(b.signal);
		const pc = join(c.signal);
		a.abort('A left');
		c.abort('C left');
		expect(await stateOf(pa)).toEqual({ error: 'A left' });
		expect(await stateOf(pc)).toEqual({ error: 'C left' });
		expect(runs[0]?.signal?.aborted).toBe(false);
		b.abort('B left');
		expect(runs[0]?.signal?.reason).toBe('B left');
		const last = await stateOf(pb);
		expect(last).toEqual({ error: new Error('run stopped: B left') });
	});

	it('a caller arriving after the run was stopped starts a run of its own instead of inheriting the abort', async () => {
		const { flight, runs, join } = flights();
		const a = new AbortController();
		const pa = join(a.signal);
		a.abort('A left');
		const pd = join();
		expect(runs).toHaveLength(2);
		expect(runs[1]?.signal).toBeUndefined();
		runs[1]?.result.resolve('second');
		expect(await pd).toBe('second');
		await rejectionOf(pa);
		expect(flight.size).toBe(0);
	});

	it('an already-aborted caller is refused at once and leaves the flight alone', async () => {
		const { runs, join } = flights();
		const pa = join();
		await expect(join(AbortSignal.abort('too late'))).rejects.toBe('too late');
		runs[0]?.result.resolve('done');
		expect(await pa).toBe('done');
		expect(runs).toHaveLength(1);
	});
});

describe('concurrent calls of one operation with their own signals', () => {
	const booking = { classId: 'c7', clientId: 'u42' };

	it("A's abort leaves B (no signal) with the one request's result; A is released before the server answers", async () => {
		const answer = deferred<void>();
		const server = await serve(async (_req, res) => {
			await answer.promise;
			sendJson(res, 201, { id: 'b1' });
		});
		const api = createClient({ baseUrl: server.url, retry: fast });
		const a = new AbortController();
		const pa = api.post('bookings', { json: booking, operation: 'op-ab', signal: a.signal });
		const pb = api.post('bookings', { json: booking, operation: 'op-ab' });
		while (server.received.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
		const reason = new Error('A left');
		a.abort(reason);
		expect(await rejectionOf(pa)).toBe(reason);
		answer.resolve();
		const res = await pb;
		expect(res.status).toBe(201);
		expect(res.data).toEqual({ id: 'b1' });
		expect(server.received).toHaveLength(1);
		expect((await api.journal.get(api.scope, 'op-ab'))?.state).toBe('succeeded');
	});

	it("a joiner's abort releases the joiner while the first caller's request completes", async () => {
		const answer = deferred<void>();
		const server = await serve(async (_req, res) => {
			await answer.promise;
			sendJson(res, 201, { id: 'b1' });
		});
		const api = createClient({ baseUrl: server.url, retry: fast });
		const pa = api.post('bookings', { json: booking, operation: 'op-ba' });
		const b = new AbortController();
		const pb = api.post('bookings', { json: booking, operation: 'op-ba', signal: b.signal });
		while (server.received.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
		b.abort(new Error('B left'));
		expect(await rejectionOf(pb)).toEqual(new Error('B left'));
		answer.resolve();
		expect((await pa).status).toBe(201);
		expect(server.received).toHaveLength(1);
	});
});
