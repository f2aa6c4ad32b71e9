import type { ServerResponse } from 'node:http';
import { createClient, type Journal, MemoryJournal } from '../../src/index.js';
import type { Received } from '../helpers/loopback-server.js';
import { fast, serve } from '../operation/support.js';

/** A tab's sessionStorage: kept across reloads of the tab, empty in a new tab. */
export class TabStorage {
	readonly items = new Map<string, string>();
	getItem(key: string) {
		return this.items.get(key) ?? null;
	}
	setItem(key: string, value: string) {
		this.items.set(key, value);
	}
	removeItem(key: string) {
		this.items.delete(key);
	}
}

/** The origin's Web Locks as tabs share them: exclusive by name, granted in the order asked. */
export class TabLocks {
	readonly #tails = new Map<string, Promise<unknown>>();
	request<T>(name: string, _options: { signal?: AbortSignal }, callback: () => Promise<T>): Promise<T> {
		const run = (this.#tails.get(name) ?? Promise.resolve()).then(callback);
		this.#tails.set(
			name,
			run.catch(() => {}),
		);
		return run;
	}
}

type Answer = 'ok' | 'drop' | 422 | ((res: ServerResponse) => void);

/**
A booking API on a real loopback server: each request takes the next scripted answer (then 'ok'). 'ok' books once
per Idempotency-Key (a replay answers the first booking), 'drop' applies the booking and drops the connection, so
the client cannot know.
*/
export async function bookingApi(...script: Answer[]) {
	const bookings = new Map<string, { id: string; body: unknown }>();
	const server = await serve((req: Received, res) => {
		const answer = script.shift() ?? 'ok';
		if (typeof answer === 'function') {
			answer(res);
			return;
		}
		if (answer === 422) {
			res.writeHead(422, { 'content-type': 'application/json' });
			res.end('{"error":"class_full"}');
			return;
		}
		const key = String(req.headers['idempotency-key']);
		const replayed = bookings.has(key);
		if (!replayed) bookings.set(key, { id: `b${bookings.size + 1}`, body: JSON.parse(req.body.toString()) });
		if (answer === 'drop') {
			res.destroy();
			return;
		}
		res.writeHead(replayed ? 200 : 201, {
			'content-type': 'application/json',
			'x-idempotent-replayed': String(replayed),
		});
		res.end(JSON.stringify({ id: bookings.get(key)?.id }));
	});
	const client = (journal: Journal = new MemoryJournal()) =>
		createClient({ baseUrl: server.url, dialect: 'bardge', journal, retry: { ...fast, limit: 0 } });
	return { server, bookings, client, keys: () => server.received.map((r) => r.headers['idempotency-key']) };
}

/** A booking API whose first request is held on the wire until `release()` answers it (201, booking b1). */
export async function heldBookingApi() {
	let answer: (() => void) | undefined;
	const api = await bookingApi((res) => {
		answer = () => {
			res.writeHead(201, { 'content-type': 'application/json' });
			res.end('{"id":"b1"}');
		};
	});
	return { ...api, held: () => answer !== undefined, release: () => answer?.() };
}
