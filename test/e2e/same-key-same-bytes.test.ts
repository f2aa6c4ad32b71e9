import { afterEach, describe, expect, it } from 'vitest';
import {
	createClient,
	isOutcomeUnknownError,
	type JournalRecord,
	KeyReuseError,
	MemoryJournal,
	OutcomeUnknownError,
} from '../../src/index.js';
import { claimed, newRecord, settled } from '../../src/journal/lifecycle.js';
import { fingerprint } from '../../src/keys/fingerprint.js';
import { type LoopbackServer, sendJson, startServer } from '../helpers/loopback-server.js';

let server: LoopbackServer | undefined;
afterEach(async () => {
	await server?.close();
	server = undefined;
});

const fast = { baseDelay: 1, maxDelay: 5, maxRetryTime: 10_000 };

/**
A server that compares raw bytes under a key, as the IETF draft allows: the first request under a key is applied;
the same bytes again get the stored answer, marked replayed; other bytes get Bardge's 409 "key reused".
`dropAnswer` drops the answers of the given request indexes after applying them (a lost response).
*/
async function rawBytesServer(dropAnswer: number[] = []) {
	const applied = new Map<string, Buffer>();
	let effects = 0;
	server = await startServer((req, res, index) => {
		const key = String(req.headers['idempotency-key']);
		const first = applied.get(key);
		if (first === undefined) {
			applied.set(key, req.body);
			effects++;
			if (dropAnswer.includes(index)) return void res.socket?.destroy();
			return sendJson(res, 201, { id: 'b1' });
		}
		if (!first.equals(req.body)) {
			return sendJson(res, 409, { error: 'idempotency_error', code: 'idempotency_key_reused' });
		}
		if (dropAnswer.includes(index)) return void res.socket?.destroy();
		sendJson(res, 201, { id: 'b1' }, { 'x-idempotent-replayed': 'true' });
	});
	/** An effect applied under `key` before the test (by an earlier run). */
	const seed = (key: string, body: Buffer) => {
		applied.set(key, body);
		effects++;
	};
	return { server, seed, effects: () => effects };
}

/**
Sends `request` once, retries off, from a client on `journal` to a server that applies it and drops the answer: the
operation is left unknown, for another client to rerun.
*/
async function sendOnceAndLoseAnswer(
	url: string,
	journal: MemoryJournal,
	request: { json?: unknown; body?: FormData; operation: string },
	options: { storeBodies?: boolean } = {},
) {
	const first = createClient({
		baseUrl: url,
		dialect: 'bardge',
		journal,
		...options,
		retry: { ...fast, limit: 0 },
	});
	const lost = await first.post('bookings', request).catch((e: unknown) => e);
	expect(lost).toBeInstanceOf(OutcomeUnknownError);
}

const booking = {
	classId: 'c7',
	clientId: 'u42',
	seats: [{ row: 'B', n: 2 }],
	amount: { value: 1200, currency: 'EUR' },
};
// The same logical request, every object listing its keys in another order.
const reordered = {
	amount: { currency: 'EUR', value: 1200 },
	seats: [{ n: 2, row: 'B' }],
	clientId: 'u42',
	classId: 'c7',
};
const canonical =
	'{"amount":{"currency":"EUR","value":1200},"classId":"c7","clientId":"u42","seats":[{"n":2,"row":"B"}]}';

describe('every attempt of an operation sends the same key and the same bytes', () => {
	it('keeps key and body identical across dropped connections and 5xx answers', async () => {
		server = await startServer((req, res, index) => {
			if (index === 0) return void res.socket?.destroy();
			if (index === 1) return sendJson(res, 503, { error: 'busy' });
			if (index === 2) return void res.socket?.destroy();
			sendJson(res, 201, { id: 'b1', echo: JSON.parse(req.body.toString()) });
		});
		const api = createClient({
			baseUrl: server.url,
			dialect: 'bardge',
			journal: new MemoryJournal(),
			retry: fast,
		});
		const res = await api.post('bookings/class', {
			json: { z: 1, classId: 'c7', clientId: 'u42', nested: { b: 2, a: 1 } },
			operation: 'book:u42:c7',
		});

		expect(res.status).toBe(201);
		expect(res.attempts).toBe(4);
		expect(server.received).toHaveLength(4);
		const first = server.received[0];
		expect(first?.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
		for (const attempt of server.received) {
			expect(attempt.headers['idempotency-key']).toBe(first?.headers['idempotency-key']);
			expect(attempt.body.equals(first?.body ?? Buffer.alloc(0))).toBe(true);
		}
		// Canonical JSON (keys sorted): the bytes are a function of the logical request, not of how the object was built.
		expect(first?.body.toString()).toBe('{"classId":"c7","clientId":"u42","nested":{"a":1,"b":2},"z":1}');
		expect(first?.headers['content-type']).toBe('application/json');
		expect(res.key).toBe(first?.headers['idempotency-key']);
	});
});

describe('a rerun sends the bytes of the first attempt, whoever sends it', () => {
	it('reruns an unfinished operation built with its keys in another order as the same bytes, and gets the replay', async () => {
		const { server, effects } = await rawBytesServer([0]);
		const journal = new MemoryJournal();
		await sendOnceAndLoseAnswer(server.url, journal, { json: booking, operation: 'book:1' });

		// Another process (another client on the same journal) builds the same request in another key order.
		const second = createClient({ baseUrl: server.url, dialect: 'bardge', journal, retry: fast });
		const res = await second.post('bookings', { json: reordered, operation: 'book:1' });

		expect(res).toMatchObject({ status: 201, replayed: true, data: { id: 'b1' } });
		expect(effects()).toBe(1);
		expect(server.received).toHaveLength(2);
		expect(server.received[1]?.body.equals(server.received[0]?.body ?? Buffer.alloc(0))).toBe(true);
		expect(server.received[0]?.body.toString()).toBe(canonical);
		expect(await journal.get('default', 'book:1')).toMatchObject({ state: 'succeeded' });
	});

	it('resumes an operation journaled without its body from the caller’s request in another key order', async () => {
		const { server, effects } = await rawBytesServer([0]);
		const journal = new MemoryJournal();
		await sendOnceAndLoseAnswer(
			server.url,
			journal,
			{ json: booking, operation: 'book:2' },
			{ storeBodies: false },
		);

		const later = createClient({
			baseUrl: server.url,
			dialect: 'bardge',
			journal,
			storeBodies: false,
			retry: fast,
		});
		const res = await later.resume('book:2', { request: { json: reordered } });

		expect(res).toMatchObject({ status: 201, replayed: true });
		expect(effects()).toBe(1);
		expect(server.received[1]?.body.equals(server.received[0]?.body ?? Buffer.alloc(0))).toBe(true);
	});

	it('resends the bytes an earlier version journaled (the caller’s key order) for an unfinished operation', async () => {
		const { server, seed, effects } = await rawBytesServer();
		// What an idemkey that sent JSON in the caller's key order left behind: an attempt applied under KEY, its
		// answer lost, the record `unknown` with those bytes kept.
		const oldBytes = Buffer.from(JSON.stringify(booking));
		seed('key-from-v0', oldBytes);
		const journal = new MemoryJournal();
		await journal.create(await unknownRecord('book:3', 'key-from-v0', server.url, oldBytes));

		const api = createClient({ baseUrl: server.url, dialect: 'bardge', journal, retry: fast });
		const res = await api.post('bookings', { json: reordered, operation: 'book:3' });

		expect(res).toMatchObject({ status: 201, replayed: true, key: 'key-from-v0' });
		expect(server.received[0]?.body.equals(oldBytes)).toBe(true);
		expect(effects()).toBe(1);
	});
});

describe('a rerun of a FormData operation sends the bytes of the first attempt', () => {
	/** An upload form, built afresh by each caller as a rerunning process would. */
	const uploadForm = () => {
		const form = new FormData();
		form.append('classId', 'c7');
		form.append('note', 'Zoë "VIP"\nrow B');
		form.append('waiver', new File(['signed by u42'], 'waiver.pdf', { type: 'application/pdf' }));
		return form;
	};

	it('gets the replay, not a KeyReuseError, when another client reruns it with an equal form', async () => {
		const { server, effects } = await rawBytesServer([0]);
		const journal = new MemoryJournal();
		await sendOnceAndLoseAnswer(server.url, journal, { body: uploadForm(), operation: 'upload:1' });

		const second = createClient({ baseUrl: server.url, dialect: 'bardge', journal, retry: fast });
		const res = await second.post('bookings', { body: uploadForm(), operation: 'upload:1' });

		expect(res).toMatchObject({ status: 201, replayed: true, data: { id: 'b1' } });
		expect(effects()).toBe(1);
		expect(server.received).toHaveLength(2);
		const [sent, resent] = server.received;
		expect(resent?.headers['content-type']).toBe(sent?.headers['content-type']);
		expect(resent?.body.equals(sent?.body ?? Buffer.alloc(0))).toBe(true);
		expect(await journal.get('default', 'upload:1')).toMatchObject({ state: 'succeeded' });
	});
});

describe('"key reused" after an attempt of unknown outcome', () => {
	it('is never recorded or reported as not applied: the record stays unknown and the error says to reconcile', async () => {
		const { server, seed, effects } = await rawBytesServer();
		// The server holds other bytes under the key than this version sends, and the record kept none to resend.
		seed('key-from-v0', Buffer.from(JSON.stringify(booking)));
		const journal = new MemoryJournal();
		await journal.create(await unknownRecord('book:4', 'key-from-v0', server.url, undefined));
		const events: string[] = [];
		const api = createClient({
			baseUrl: server.url,
			dialect: 'bardge',
			journal,
			retry: fast,
			onEvent: (e) => events.push(e.type),
		});

		const error = await api.post('bookings', { json: booking, operation: 'book:4' }).catch((e: unknown) => e);

		expect(error).not.toBeInstanceOf(KeyReuseError);
		expect(isOutcomeUnknownError(error)).toBe(true);
		const unknown = error as OutcomeUnknownError;
		expect(unknown.reason).toBe('key_reused_after_unknown');
		expect(unknown.status).toBe(409);
		expect(unknown.key).toBe('key-from-v0');
		expect(unknown.message).toMatch(/may have been applied/);
		expect(unknown.message).toMatch(/reconcile/i);
		expect(unknown.message).not.toMatch(/use a new operation/i);
		expect(await journal.get('default', 'book:4')).toMatchObject({ state: 'unknown' });
		expect(events).toContain('conflict');
		expect(effects()).toBe(1);
	});

	it('keeps an operation unknown when this call’s own earlier attempt was lost and the retry hears "key reused"', async () => {
		// A server that fingerprints more than the body (a header that changes per attempt, say) after a lost answer.
		server = await startServer((_req, res, index) => {
			if (index === 0) return void res.socket?.destroy();
			sendJson(res, 409, { error: 'idempotency_error', code: 'idempotency_key_reused' });
		});
		const journal = new MemoryJournal();
		const api = createClient({ baseUrl: server.url, dialect: 'bardge', journal, retry: fast });

		const error = await api.post('bookings', { json: booking, operation: 'book:5' }).catch((e: unknown) => e);

		expect(error).toBeInstanceOf(OutcomeUnknownError);
		expect(error).toMatchObject({ reason: 'key_reused_after_unknown', attempts: 2, status: 409 });
		expect(await journal.get('default', 'book:5')).toMatchObject({ state: 'unknown', attemptsStarted: 2 });
	});

	it('is still a KeyReuseError, recorded failed, when no earlier attempt could have used the key', async () => {
		server = await startServer((_req, res) =>
			sendJson(res, 409, { error: 'idempotency_error', code: 'idempotency_key_reused' }),
		);
		const journal = new MemoryJournal();
		const api = createClient({ baseUrl: server.url, dialect: 'bardge', journal, retry: fast });
		const error = await api.post('bookings', { json: booking, operation: 'book:6' }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(KeyReuseError);
		expect(await journal.get('default', 'book:6')).toMatchObject({ state: 'failed' });
	});
});

/** A record left `unknown` after one attempt, as an earlier run (or an earlier idemkey) wrote it. */
async function unknownRecord(
	operation: string,
	key: string,
	baseUrl: string,
	body: Buffer | undefined,
): Promise<JournalRecord> {
	const now = Date.now();
	const url = new URL('bookings', baseUrl).href;
	const record = newRecord({
		scope: 'default',
		operation,
		key,
		fingerprint: await fingerprint({ method: 'POST', path: '/bookings', json: booking }),
		method: 'POST',
		path: '/bookings',
		now,
		retentionMs: 90_000,
		keepMs: 86_400_000,
		request: {
			url,
			headers: [['content-type', 'application/json']],
			...(body ? { body: body.toString('base64') } : { bodyOmitted: true }),
		},
	});
	return settled(claimed(record, now), 'unknown', now);
}
