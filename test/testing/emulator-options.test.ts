import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DialectState } from '../../src/testing/index.js';
import { normaliseBasePath } from '../../src/testing/server/base-path.js';
import { emulate, send } from './support.js';

const dirs: string[] = [];
afterEach(async () => {
	await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});
async function stateFile(): Promise<string> {
	const dir = await mkdtemp(join(tmpdir(), 'idemkey-emulator-state-'));
	dirs.push(dir);
	return join(dir, 'state.json');
}

describe('createEmulator({ stateFile })', () => {
	it('a restarted emulator replays the keys its predecessor stored: one effect, counted over both runs', async () => {
		const file = await stateFile();
		const booking = { key: 'k1', json: { classId: 'c7', ref: 'order-1' } };
		const first = await emulate({ dialect: 'stripe', stateFile: file, faults: ['drop-after-commit'] });
		await expect(send(first, 'POST', 'bookings', booking)).rejects.toThrow(); // applied, answer lost
		await send(first, 'POST', 'bookings', { key: 'k2', json: { classId: 'c8' } });
		await first.close();

		const second = await emulate({ dialect: 'stripe', stateFile: file });
		const replay = await send(second, 'POST', 'bookings', booking);
		const fresh = await send(second, 'POST', 'bookings', { key: 'k3', json: { classId: 'c9' } });
		const mismatch = await send(second, 'POST', 'bookings', { key: 'k1', json: { classId: 'other' } });

		expect(replay.status).toBe(201);
		expect(replay.headers.get('idempotent-replayed')).toBe('true');
		expect(replay.body).toMatchObject({ id: 'b1', classId: 'c7' });
		expect(fresh.body).toMatchObject({ id: 'b3' }); // no booking id handed out twice
		expect(mismatch.status).toBe(400);
		expect(second.state.effectCount).toBe(3);
		expect(second.state.duplicates()).toEqual([]);
		expect(second.state.requests).toHaveLength(3); // requests are per run
	});

	it('never hands out a booking id again after a restart, not even that of a booking deleted before it', async () => {
		const file = await stateFile();
		const first = await emulate({ dialect: 'stripe', stateFile: file });
		await send(first, 'POST', 'bookings', { key: 'k1', json: { classId: 'c7' } });
		const deleted = await send(first, 'POST', 'bookings', { key: 'k2', json: { classId: 'c8' } });
		expect((await send(first, 'DELETE', `bookings/${(deleted.body as { id: string }).id}`)).status).toBe(204);
		await first.close();

		const second = await emulate({ dialect: 'stripe', stateFile: file });
		const fresh = await send(second, 'POST', 'bookings', { key: 'k3', json: { classId: 'c9' } });

		expect(deleted.body).toMatchObject({ id: 'b2' });
		expect(fresh.body).toMatchObject({ id: 'b3' });
	});

	it('counts a duplicate applied across a restart (each run alone would show none)', async () => {
		const file = await stateFile();
		const first = await emulate({ dialect: 'bardge', stateFile: file });
		await send(first, 'POST', 'bookings', { key: 'k1', json: { ref: 'order-1' } });
		await first.close();
		const second = await emulate({ dialect: 'bardge', stateFile: file });
		await send(second, 'POST', 'bookings', { key: 'k2', json: { ref: 'order-1' } }); // resent under a new key

		expect(second.state.duplicates()).toEqual([['order-1', 2]]);
	});

	it("refuses a file from another dialect's server, a file that is not a state file, and state + stateFile", async () => {
		const file = await stateFile();
		const stripe = await emulate({ dialect: 'stripe', stateFile: file });
		await stripe.close();
		const garbage = await stateFile();
		await writeFile(garbage, '{"format":"something else"}');

		await expect(emulate({ dialect: 'bardge', stateFile: file })).rejects.toThrow(
			/holds the state of a stripe server, not bardge/,
		);
		await expect(emulate({ dialect: 'stripe', stateFile: garbage })).rejects.toThrow(
			/not an emulator state file/,
		);
		await expect(emulate({ dialect: 'stripe', stateFile: file, state: new DialectState() })).rejects.toThrow(
			/either `state` or `stateFile`/,
		);
		expect(JSON.parse(await readFile(garbage, 'utf8'))).toEqual({ format: 'something else' }); // left alone
	});
});

describe('createEmulator({ cors })', () => {
	it.each([
		['stripe', 'Idempotency-Key', 'Authorization', 'Idempotent-Replayed'],
		['bardge', 'Idempotency-Key', undefined, 'X-Idempotent-Replayed'],
		['repull', 'Idempotency-Key', 'Authorization', 'Idempotency-Status'],
	] as const)(
		'%s: the preflight allows its key (and scope) header, answers expose %s',
		async (dialect, key, scope, replay) => {
			const emulator = await emulate({ dialect, cors: true });
			const preflight = await fetch(new URL('bookings', emulator.url), {
				method: 'OPTIONS',
				headers: { origin: 'http://app.test', 'access-control-request-method': 'POST' },
			});
			const answer = await send(emulator, 'POST', 'bookings', { key: 'k1', json: {} });

			expect(preflight.status).toBe(204);
			const allowed = preflight.headers.get('access-control-allow-headers')?.split(', ');
			expect(allowed).toEqual(['Content-Type', key, ...(scope ? [scope] : [])]);
			expect(answer.headers.get('access-control-allow-origin')).toBe('*');
			expect(answer.headers.get('access-control-expose-headers')).toBe(`${replay}, Retry-After`);
			expect(emulator.state.requests.map((r) => r.method)).toEqual(['POST']);
		},
	);
});

describe('normaliseBasePath', () => {
	it.each([
		['', '/'],
		['/', '/'],
		['v1', '/v1/'],
		['/v1', '/v1/'],
		['/v1/', '/v1/'],
		['api/v2/', '/api/v2/'],
	])('%j -> %j', (input, expected) => {
		expect(normaliseBasePath(input)).toBe(expected);
	});

	it.each(['/v1?x=1', '/v1#top', '/a b/', '/a//b/', '/../etc/'])('refuses %j', (input) => {
		expect(() => normaliseBasePath(input)).toThrow(TypeError);
	});
});
