import { describe, expect, it } from 'vitest';
import {
	createClient,
	type JournalRecord,
	MemoryJournal,
	OutcomeUnknownError,
	RequestRejectedError,
} from '../../src/index.js';
import { sendJson } from '../helpers/loopback-server.js';
import { fast, serve } from './support.js';

const SECRETS = {
	authorization: 'Bearer sk_live_AUTHSECRET1',
	cookie: 'sid=COOKIESECRET2',
	'x-api-key': 'APIKEYSECRET3',
	'x-bardge-secret': 'VENDORSECRET4',
	'ocp-apim-subscription-key': 'VENDORSECRET6',
	'x-functions-key': 'VENDORSECRET7',
	'x-master-key': 'VENDORSECRET8',
};

describe('secret headers', () => {
	it('are sent to the server but never written to the journal', async () => {
		const journal = new MemoryJournal();
		const inflight: (JournalRecord | undefined)[] = [];
		const server = await serve(async (_req, res) => {
			inflight.push(await journal.get('default', 'op-secret'));
			sendJson(res, 201, { id: 'b1' }, { 'set-cookie': 'session=SETCOOKIESECRET5; HttpOnly' });
		});
		const api = createClient({
			baseUrl: server.url,
			journal,
			dialect: 'bardge',
			retry: fast,
			headers: {
				Authorization: SECRETS.authorization,
				Cookie: SECRETS.cookie,
				'X-App': 'kiosk-7',
				'Ocp-Apim-Subscription-Key': SECRETS['ocp-apim-subscription-key'],
			},
			journalHeaders: ['X-App'],
		});
		const res = await api.post('bookings', {
			json: { classId: 'c7' },
			operation: 'op-secret',
			headers: {
				'X-Api-Key': SECRETS['x-api-key'],
				'X-Bardge-Secret': SECRETS['x-bardge-secret'],
				'x-functions-key': SECRETS['x-functions-key'],
				'X-Master-Key': SECRETS['x-master-key'],
			},
		});
		expect(res.status).toBe(201);

		const received = server.received[0]?.headers ?? {};
		for (const [name, value] of Object.entries(SECRETS)) expect(received[name]).toBe(value);

		const final = await journal.get('default', 'op-secret');
		expect(final?.state).toBe('succeeded');
		// The record as it stood while the request was on the wire, not a missing one that trivially holds nothing.
		expect(inflight).toHaveLength(1);
		expect(inflight[0]?.state).toBe('inflight');
		for (const record of [inflight[0], final]) {
			const text = JSON.stringify(record);
			for (const value of [...Object.values(SECRETS), 'SETCOOKIESECRET5']) expect(text).not.toContain(value);
			for (const name of [...Object.keys(SECRETS), 'set-cookie'])
				expect(text.toLowerCase()).not.toContain(name);
		}
		// Listed headers are kept, so the record is not secret-free merely by keeping no headers at all.
		expect(final?.request?.headers).toContainEqual(['x-app', 'kiosk-7']);
		expect(final?.outcome?.headers).toContainEqual(['content-type', 'application/json']);
	});

	it('stay out of the journal when the outcome is unknown', async () => {
		const journal = new MemoryJournal();
		const server = await serve((_req, res) => void res.socket?.destroy());
		const api = createClient({
			baseUrl: server.url,
			journal,
			retry: { ...fast, limit: 1 },
			headers: SECRETS,
		});
		const error = await api.post('bookings', { json: {}, operation: 'op-unknown' }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(OutcomeUnknownError);
		expect(server.received).toHaveLength(2);
		const record = await journal.get('default', 'op-unknown');
		expect(record?.state).toBe('unknown');
		const text = JSON.stringify(record);
		for (const value of Object.values(SECRETS)) expect(text).not.toContain(value);
		expect(server.received[1]?.headers.authorization).toBe(SECRETS.authorization);
	});
});

describe('storeBodies', () => {
	it('keeps the request and response bodies by default and replays the data from the journal', async () => {
		const server = await serve((_req, res) => sendJson(res, 201, { id: 'RESPONSE-BODY-MARK' }));
		const api = createClient({ baseUrl: server.url, retry: fast });
		await api.post('bookings', { json: { note: 'REQUEST-BODY-MARK' }, operation: 'op-1' });
		const record = await api.journal.get(api.scope, 'op-1');
		expect(atob(record?.request?.body ?? '')).toContain('REQUEST-BODY-MARK');
		expect(record?.outcome?.body).toContain('RESPONSE-BODY-MARK');
		const again = await api.post('bookings', { json: { note: 'REQUEST-BODY-MARK' }, operation: 'op-1' });
		expect(again.data).toEqual({ id: 'RESPONSE-BODY-MARK' });
	});

	it('false keeps no request or response body in the record, and a journal replay gives data undefined', async () => {
		const journal = new MemoryJournal();
		const server = await serve((_req, res) => sendJson(res, 201, { id: 'RESPONSE-BODY-MARK' }));
		const api = createClient({ baseUrl: server.url, journal, storeBodies: false, retry: fast });
		const first = await api.post('bookings', { json: { note: 'REQUEST-BODY-MARK' }, operation: 'op-1' });
		expect(first.data).toEqual({ id: 'RESPONSE-BODY-MARK' });

		const record = await journal.get('default', 'op-1');
		expect(record?.state).toBe('succeeded');
		expect(record?.request?.body).toBe(undefined);
		expect(record?.outcome?.body).toBe(undefined);
		const text = JSON.stringify(record);
		expect(text).not.toContain('RESPONSE-BODY-MARK');
		expect(text).not.toContain('REQUEST-BODY-MARK');
		expect(text).not.toContain(btoa('{"note":"REQUEST-BODY-MARK"}').slice(0, 12));

		const again = await api.post('bookings', { json: { note: 'REQUEST-BODY-MARK' }, operation: 'op-1' });
		expect(server.received).toHaveLength(1);
		expect(again).toMatchObject({ fromJournal: true, status: 201, key: first.key });
		expect(again.data).toBe(undefined);
	});

	it('drops a response body larger than maxStoredBodyBytes and marks it truncated', async () => {
		const server = await serve((_req, res) => sendJson(res, 201, { blob: 'x'.repeat(2_000) }));
		const api = createClient({ baseUrl: server.url, maxStoredBodyBytes: 1_000, retry: fast });
		const first = await api.post('bookings', { json: {}, operation: 'op-big' });
		expect((first.data as { blob: string }).blob).toHaveLength(2_000);
		const record = await api.journal.get(api.scope, 'op-big');
		expect(record?.outcome?.body).toBe(undefined);
		expect(record?.outcome?.bodyTruncated).toBe(true);
		const again = await api.post('bookings', { json: {}, operation: 'op-big' });
		expect(again.data).toBe(undefined);
	});
});

describe('journal replay of a stored error body without its body', () => {
	it('still raises the stored status when bodies are not kept', async () => {
		const server = await serve((_req, res) => sendJson(res, 422, { code: 'seat_taken' }));
		const api = createClient({ baseUrl: server.url, storeBodies: false, retry: fast });
		const first = await api.post('bookings', { json: {}, operation: 'op-x' }).catch((e: unknown) => e);
		const again = await api.post('bookings', { json: {}, operation: 'op-x' }).catch((e: unknown) => e);
		expect(first).toBeInstanceOf(RequestRejectedError);
		expect(again).toBeInstanceOf(RequestRejectedError);
		expect((again as { status: number }).status).toBe((first as { status: number }).status);
		expect((again as RequestRejectedError).status).toBe(422);
		expect((again as RequestRejectedError).body).toBe(undefined);
		expect((again as RequestRejectedError).key).toBe((first as RequestRejectedError).key);
		expect(JSON.stringify(await api.journal.get(api.scope, 'op-x'))).not.toContain('seat_taken');
		expect(server.received).toHaveLength(1);
	});
});
