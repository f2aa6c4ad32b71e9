import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClient, type IdemEvent, RequestRejectedError } from '../../src/index.js';
import { FileJournal } from '../../src/node.js';
import { sendJson } from '../helpers/loopback-server.js';
import { turns } from '../helpers/virtual-time.js';
import { tempDir } from '../journal/node/temp-dirs.js';
import { fast, rejectionOf, serve } from '../operation/support.js';

// Under Node's default (--unhandled-rejections=throw) any of these would end the host process.
const escaped: unknown[] = [];
const record = (reason: unknown) => void escaped.push(reason);
beforeEach(() => {
	escaped.length = 0;
	process.on('unhandledRejection', record);
});
afterEach(() => {
	process.off('unhandledRejection', record);
});

/** Node reports unhandled rejections once the microtask queue has drained: let it, twice over. */
const settled = () => turns(3);

const hooks: [string, (seen: unknown[]) => (value: unknown) => unknown][] = [
	[
		'an async hook that rejects',
		(seen) => async (value) => {
			seen.push(value);
			throw new Error('hook bug');
		},
	],
	[
		'a hook that returns a rejected promise',
		(seen) => (value) => {
			seen.push(value);
			return Promise.reject(new Error('hook bug'));
		},
	],
	[
		'a hook that throws',
		(seen) => (value) => {
			seen.push(value);
			throw new Error('hook bug');
		},
	],
	[
		'a hook that returns a thenable whose then throws',
		(seen) => (value) => {
			seen.push(value);
			return {
				// biome-ignore lint/suspicious/noThenProperty: the point is a broken thenable
				then() {
					throw new Error('hook bug');
				},
			};
		},
	],
];

describe('onEvent never reaches the host', () => {
	it.each(hooks)(
		'%s: every event is delivered, the calls end as they would without it, nothing escapes',
		async (_, make) => {
			const server = await serve((req, res, index) => {
				if (req.url.startsWith('/reject')) return sendJson(res, 400, { error: 'bad' });
				if (index === 0) return sendJson(res, 503, {});
				sendJson(res, 201, { ok: true });
			});
			const seen: unknown[] = [];
			const api = createClient({
				baseUrl: server.url,
				retry: fast,
				onEvent: make(seen) as (e: IdemEvent) => void,
			});

			const first = await api.post('bookings', { json: { a: 1 }, operation: 'op-1' });
			expect(first.status).toBe(201);
			const again = await api.post('bookings', { json: { a: 1 }, operation: 'op-1' });
			expect(again.fromJournal).toBe(true);
			expect(await rejectionOf(api.post('reject', { json: {} }))).toBeInstanceOf(RequestRejectedError);
			await settled();

			expect((seen as IdemEvent[]).map((e) => e.type)).toEqual([
				'attempt',
				'retry',
				'attempt',
				'replay',
				'attempt',
				'give-up',
			]);
			expect(escaped).toEqual([]);
		},
	);
});

describe("FileJournal's onWarning never reaches the host", () => {
	it.each(hooks)(
		'%s: the warning is delivered and kept, the journal works, nothing escapes',
		async (_, make) => {
			const directory = tempDir();
			// A crash while the file was being created leaves a partial header: a torn write, reported as a warning.
			writeFileSync(join(directory, 'journal.log'), 'idemkey-jou');
			const seen: unknown[] = [];
			const journal = new FileJournal({ directory, onWarning: make(seen) as () => void });
			try {
				const api = createClient({ baseUrl: 'http://127.0.0.1:9/', journal });
				expect(await api.pending()).toEqual([]);
				await settled();
				expect(seen).toHaveLength(1);
				expect(journal.warnings.map((w) => w.code)).toEqual(['torn-write']);
				expect(escaped).toEqual([]);
			} finally {
				await journal.close();
			}
		},
	);
});
