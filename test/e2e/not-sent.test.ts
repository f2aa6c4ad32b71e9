import type { ServerResponse } from 'node:http';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
	createClient,
	type IdemEvent,
	isNotSentError,
	isOutcomeUnknownError,
	type Journal,
	type JournalRecord,
	MemoryJournal,
	NotSentError,
	OutcomeUnknownError,
} from '../../src/index.js';
import { sendJson } from '../helpers/loopback-server.js';
import { isClaim, StallingJournal } from '../helpers/stalling-journal.js';
import { serve } from '../operation/support.js';

afterEach(() => {
	vi.useRealTimers();
});

const fast = { baseDelay: 1, maxDelay: 5, maxRetryTime: 10_000 };
const booking = { classId: 'c7', clientId: 'u42' };

/** A loopback port nothing listens on: bound, then closed, so a connect is refused. */
async function closedPort(): Promise<string> {
	const probe = createServer();
	await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
	const { port } = probe.address() as { port: number };
	await new Promise<void>((resolve) => probe.close(() => resolve()));
	return `http://127.0.0.1:${port}/`;
}

describe('a refused connection is not sent', () => {
	it('is retried, then raises NotSentError (never OutcomeUnknownError) and leaves the record as if never attempted', async () => {
		const journal = new MemoryJournal();
		const events: IdemEvent[] = [];
		const api = createClient({
			baseUrl: await closedPort(),
			dialect: 'bardge',
			journal,
			retry: { ...fast, limit: 2 },
			onEvent: (e) => events.push(e),
		});

		const error = await api.post('bookings', { json: booking, operation: 'book:1' }).catch((e: unknown) => e);

		expect(error).toBeInstanceOf(NotSentError);
		expect(isNotSentError(error)).toBe(true);
		expect(isOutcomeUnknownError(error)).toBe(false);
		const notSent = error as NotSentError;
		expect(notSent).toMatchObject({
			name: 'NotSentError',
			code: 'not_sent',
			attempts: 3,
			operation: 'book:1',
		});
		expect(notSent.message).toMatch(/not sent/);
		expect(notSent.message).toMatch(/ECONNREFUSED/);
		expect(notSent.message).not.toMatch(/may (or may not )?have been applied/);
		expect(events.filter((e) => e.type === 'retry').map((e) => e.type === 'retry' && e.reason)).toEqual([
			'not_sent',
			'not_sent',
		]);
		const record = await journal.get('default', 'book:1');
		expect(record).toMatchObject({ state: 'pending', attemptsStarted: 0, attemptsFinished: 0 });
		expect(notSent.key).toBe(record?.key);
	});

	it('can still be sent after its key window passed, since the server never saw the key', async () => {
		const journal = new MemoryJournal();
		const refused = createClient({
			baseUrl: await closedPort(),
			dialect: 'bardge',
			journal,
			retry: { ...fast, limit: 1 },
		});
		await refused.post('bookings', { json: booking, operation: 'book:2' }).catch(() => {});
		const record = (await journal.get('default', 'book:2')) as JournalRecord;

		const server = await serve((_req, res) => sendJson(res, 201, { id: 'b1' }));
		// Bardge keeps keys 90 s: well past it, an attempt that may have landed would be refused with KeyExpiredError.
		vi.useFakeTimers({ toFake: ['Date'], now: record.createdAt + 10 * 90_000 });
		const api = createClient({ baseUrl: server.url, dialect: 'bardge', journal, retry: fast });
		const res = await api.post('bookings', { json: booking, operation: 'book:2' });

		expect(res).toMatchObject({ status: 201, key: record.key });
		expect(server.received).toHaveLength(1);
	});

	it('leaves an operation unknown when an earlier attempt may have landed, counting only that attempt', async () => {
		// The first request reaches the server, which then goes away: later connects are refused.
		const server = await serve((_req, res) => {
			res.socket?.destroy();
			void server.close();
		});
		const journal = new MemoryJournal();
		const api = createClient({
			baseUrl: server.url,
			dialect: 'bardge',
			journal,
			retry: { ...fast, limit: 2 },
		});

		const error = await api.post('bookings', { json: booking, operation: 'book:3' }).catch((e: unknown) => e);

		expect(error).toBeInstanceOf(OutcomeUnknownError);
		expect(error).toMatchObject({ attempts: 3, reason: 'network' });
		expect(server.received).toHaveLength(1);
		expect(await journal.get('default', 'book:3')).toMatchObject({ state: 'unknown', attemptsStarted: 1 });
	});

	it('raises NotSentError for a GET that could not connect', async () => {
		const api = createClient({ baseUrl: await closedPort(), retry: { ...fast, limit: 1 } });
		const error = await api.get('bookings').catch((e: unknown) => e);
		expect(error).toBeInstanceOf(NotSentError);
		expect(error).toMatchObject({ attempts: 2 });
	});
});

describe('an abort between the journal claim and the send', () => {
	it.each([
		{
			name: 'takes back the first claim and rejects with the abort reason when it lands while the record is created',
			operation: 'book:4',
			answer: (res: ServerResponse) => sendJson(res, 201, { id: 'b1' }),
			gate: (journal: StallingJournal) => journal.hold('create'),
			sent: 0,
		},
		{
			name: 'takes back a retry’s claim: an operation not applied stays pending, and the abort is an abort',
			operation: 'book:5',
			answer: (res: ServerResponse) => sendJson(res, 429, { error: 'slow down' }, { 'retry-after': '0' }),
			// The claim of the second attempt: the write that turns the record inflight again.
			gate: (journal: StallingJournal) => journal.hold('compareAndSet', isClaim),
			sent: 1,
		},
	])('$name', async ({ operation, answer, gate, sent }) => {
		const server = await serve((_req, res) => answer(res));
		const journal = new StallingJournal();
		const held = gate(journal);
		const api = createClient({ baseUrl: server.url, dialect: 'bardge', journal, retry: fast });
		const controller = new AbortController();
		const reason = new Error('the user left the page');

		const call = api.post('bookings', { json: booking, operation, signal: controller.signal });
		await held.reached;
		controller.abort(reason);
		held.release();

		await expect(call).rejects.toBe(reason);
		expect(server.received).toHaveLength(sent);
		// The claim's undo is written once the journal answers the write the caller stopped waiting for.
		await vi.waitFor(
			async () =>
				expect(await journal.get('default', operation)).toMatchObject({
					state: 'pending',
					attemptsStarted: sent,
					attemptsFinished: sent,
				}),
			{ timeout: 10_000 },
		);
	});

	it('takes back a claim the journal had already written when the abort came', async () => {
		const server = await serve((_req, res) =>
			sendJson(res, 429, { error: 'slow down' }, { 'retry-after': '0' }),
		);
		const controller = new AbortController();
		const inner = new MemoryJournal();
		// The journal answers the claim of the second attempt at once; the abort comes right after, before the send.
		const journal: Journal = {
			create: (record) => inner.create(record),
			get: (scope, operation) => inner.get(scope, operation),
			listUnfinished: (scope) => inner.listUnfinished(scope),
			collectGarbage: (now) => inner.collectGarbage(now),
			compareAndSet: (next) => {
				const written = inner.compareAndSet(next);
				if (next.state === 'inflight') void written.then(() => controller.abort(new Error('cancelled')));
				return written;
			},
		};
		const api = createClient({ baseUrl: server.url, dialect: 'bardge', journal, retry: fast });

		const error = await api
			.post('bookings', { json: booking, operation: 'book:8', signal: controller.signal })
			.catch((e: unknown) => e);

		expect(error).toEqual(new Error('cancelled'));
		expect(server.received).toHaveLength(1);
		expect(await inner.get('default', 'book:8')).toMatchObject({
			state: 'pending',
			attemptsStarted: 1,
			attemptsFinished: 1,
		});
	});

	it('counts only the attempt that left when an earlier one may have landed', async () => {
		const server = await serve((_req, res) => void res.socket?.destroy());
		const journal = new StallingJournal();
		const held = journal.hold('compareAndSet', isClaim);
		const api = createClient({ baseUrl: server.url, dialect: 'bardge', journal, retry: fast });
		const controller = new AbortController();

		const call = api.post('bookings', { json: booking, operation: 'book:6', signal: controller.signal });
		await held.reached;
		controller.abort(new Error('cancelled'));
		held.release();

		const error = await call.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(OutcomeUnknownError);
		expect(error).toMatchObject({ reason: 'aborted', attempts: 1 });
		expect(server.received).toHaveLength(1);
		expect(await journal.get('default', 'book:6')).toMatchObject({ state: 'unknown', attemptsStarted: 1 });
	});

	it('keeps an answer read before the abort: recorded as it was, reported as it was', async () => {
		const journal = new MemoryJournal();
		const controller = new AbortController();
		// The server's whole answer is read, and only then does the caller abort: before the loop looks at the signal.
		const answeredThenAborted: typeof fetch = async () => {
			const body = new ReadableStream<Uint8Array>({
				pull(stream) {
					stream.enqueue(new TextEncoder().encode('{"id":"b1"}'));
					stream.close();
					queueMicrotask(() => controller.abort(new Error('cancelled')));
				},
			});
			return new Response(body, { status: 201, headers: { 'content-type': 'application/json' } });
		};
		const api = createClient({
			baseUrl: 'http://bookings.test/',
			dialect: 'bardge',
			journal,
			retry: fast,
			fetch: answeredThenAborted,
		});

		const res = await api.post('bookings', { json: booking, operation: 'book:7', signal: controller.signal });

		expect(controller.signal.aborted).toBe(true);
		expect(res).toMatchObject({ status: 201, data: { id: 'b1' } });
		expect(await journal.get('default', 'book:7')).toMatchObject({
			state: 'succeeded',
			attemptsStarted: 1,
			attemptsFinished: 1,
		});
	});

	it('reports a request that left as maybe applied when the abort lands while its answer is being weighed', async () => {
		// Bardge's "already cancelled" on a first attempt makes the call ask the journal whether another caller
		// attempted the operation: the abort lands during that read, after the request left.
		const server = await serve((_req, res) =>
			sendJson(res, 409, { error: 'conflict', code: 'already_cancelled' }),
		);
		const journal = new StallingJournal();
		const held = journal.hold('get');
		const api = createClient({ baseUrl: server.url, dialect: 'bardge', journal, retry: fast });
		const controller = new AbortController();

		const call = api.post('bookings/b1/cancel', { operation: 'cancel:b1', signal: controller.signal });
		await held.reached;
		controller.abort(new Error('cancelled'));
		held.release();

		const error = await call.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(OutcomeUnknownError);
		expect(error).toMatchObject({ reason: 'aborted', attempts: 1 });
		expect(server.received).toHaveLength(1);
		// Never settled as not applied: the record stays unfinished, for resume() to reconcile.
		const unfinished = await journal.inner.listUnfinished('default');
		expect(unfinished.map((r) => [r.operation, r.attemptsStarted])).toEqual([['cancel:b1', 1]]);
	});
});
