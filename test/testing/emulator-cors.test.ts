import { describe, expect, it } from 'vitest';
import type { Fault } from '../../src/testing/index.js';
import { emulate, send } from './support.js';

/*
What docs/browser.md says a server must do for a page on another origin, checked on the emulator's `cors` option: a
page can read an answer only when it carries Access-Control-Allow-Origin (an error answer without it reads as a
network error), and only the headers listed in Access-Control-Expose-Headers.
*/

const corsOf = (headers: Headers) => ({
	origin: headers.get('access-control-allow-origin'),
	exposed: headers.get('access-control-expose-headers')?.split(', '),
});

describe('createEmulator({ cors: true }): every answer is readable cross-origin', () => {
	it.each([
		['201, first run', 'pass', 201],
		['503 before processing', '503-before', 503],
		['500', '500', 500],
		['429 with Retry-After', '429', 429],
		['409 in progress', 'in-progress', 409],
		['a scripted 422', { status: 422, body: { error: 'invalid' } }, 422],
	] as const)(
		'%s: allows any origin, exposes the replay header and Retry-After',
		async (_name, fault, status) => {
			const emulator = await emulate({ dialect: 'stripe', cors: true, faults: [fault as Fault] });
			const answer = await send(emulator, 'POST', 'bookings', { key: 'k1', json: { classId: 'c7' } });
			expect(answer.status).toBe(status);
			expect(corsOf(answer.headers)).toEqual({
				origin: '*',
				exposed: ['Idempotent-Replayed', 'Retry-After'],
			});
		},
	);

	it('a replay and a key reused with another body are readable too, the replay header among the exposed', async () => {
		const emulator = await emulate({ dialect: 'bardge', cors: true });
		await send(emulator, 'POST', 'bookings', { key: 'k1', json: { classId: 'c7' } });
		const replay = await send(emulator, 'POST', 'bookings', { key: 'k1', json: { classId: 'c7' } });
		const reused = await send(emulator, 'POST', 'bookings', { key: 'k1', json: { classId: 'c8' } });
		expect(replay.headers.get('x-idempotent-replayed')).toBe('true');
		expect(corsOf(replay.headers).exposed).toContain('X-Idempotent-Replayed');
		expect(reused.status).toBe(409);
		expect(corsOf(reused.headers).origin).toBe('*');
	});

	it('the preflight allows every write method, and needs no key: it is no request to the API', async () => {
		const emulator = await emulate({ dialect: 'ietf', cors: true });
		const preflight = await fetch(new URL('bookings/b1', emulator.url), {
			method: 'OPTIONS',
			headers: {
				origin: 'http://app.test',
				'access-control-request-method': 'DELETE',
				'access-control-request-headers': 'content-type, idempotency-key',
			},
		});
		expect(preflight.status).toBe(204);
		expect(preflight.headers.get('access-control-allow-methods')?.split(', ')).toEqual(
			expect.arrayContaining(['POST', 'PUT', 'PATCH', 'DELETE']),
		);
		expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase().split(', ')).toEqual(
			expect.arrayContaining(['content-type', 'idempotency-key']),
		);
		expect(emulator.state.requests).toHaveLength(0);
	});

	it('without cors, answers carry no CORS headers: a page on another origin cannot read them', async () => {
		const emulator = await emulate({ dialect: 'stripe' });
		const answer = await send(emulator, 'POST', 'bookings', { key: 'k1', json: {} });
		expect(corsOf(answer.headers)).toEqual({ origin: null, exposed: undefined });
	});
});
