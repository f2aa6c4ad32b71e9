import { writeFile } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EXIT_CODES } from '../../src/cli/exit-codes.js';
import { sendJson } from '../helpers/loopback-server.js';
import { cli, keyedServer, scratch, serve, statusFields } from './support.js';

type Answer = { status: number; body: unknown; headers?: Record<string, string> };

afterEach(() => {
	vi.useRealTimers();
});

describe('exit codes', () => {
	// Each row: the exit code a script would branch on, what the server answers every request with, extra flags.
	const rows: [string, number, Answer | undefined, string[]][] = [
		['reused key', 3, { status: 422, body: { code: 'idempotency_key_reused' } }, []],
		['missing key', 4, { status: 400, body: { code: 'missing_idempotency_key' } }, []],
		[
			'still in progress',
			5,
			{ status: 409, body: { code: 'idempotency_key_in_use' }, headers: { 'retry-after': '120' } },
			['--max-time', '5000'],
		],
		['5xx past the retry budget', 6, { status: 503, body: { error: 'down' } }, ['--retries', '0']],
		['definite 4xx', 7, { status: 404, body: { error: 'no such class' } }, []],
		['unknown flag', 2, undefined, ['--frobnicate']],
		['unknown dialect', 2, undefined, ['--dialect', 'soap']],
		['bad header', 2, undefined, ['-H', 'no colon here']],
		['invalid JSON body', 2, undefined, ['--json', '{"a":']],
		['bad number', 2, undefined, ['--retries', 'many']],
		['unreadable @file', 11, undefined, ['--json', '@does-not-exist.json']],
	];

	it.each(rows)('%s exits %i', async (_name, code, answer, flags) => {
		const server = await serve((_req, res) => {
			if (answer) sendJson(res, answer.status, answer.body, answer.headers);
			else sendJson(res, 201, {});
		});
		const cwd = await scratch();
		const body = flags.includes('--json') ? [] : ['--json', '{"n":1}'];

		const out = await cli(['request', 'POST', `${server.url}things`, ...body, ...flags], { cwd });

		expect(out.code).toBe(code);
		// One line, no stack trace.
		expect(out.stderr.trim().split('\n')).toHaveLength(1);
		expect(out.stderr).not.toMatch(/\n\s+at /);
		// Bad input is refused before anything is sent.
		if (code === 2 || code === 11) expect(server.received).toHaveLength(0);
		// The server's last answer's body is on stdout, as curl would show it (also a 5xx or 409 when retries ran out).
		if (answer) expect(JSON.parse(out.stdout)).toEqual(answer.body);
		else expect(out.stdout).toBe('');
	});

	it('the exported table gives each class its own code', () => {
		const codes = Object.values(EXIT_CODES);
		expect(new Set(codes).size).toBe(codes.length);
		expect(EXIT_CODES).toMatchObject({ ok: 0, usage: 2, outcome_unknown: 6, rejected: 7, journal: 9 });
	});

	it('an interrupted operation past the key retention is not resent (exit 8)', async () => {
		vi.useFakeTimers({ toFake: ['Date'], now: Date.UTC(2030, 0, 1) });
		let drop = true;
		const server = await keyedServer((_req, res) => {
			if (!drop) return false;
			res.destroy();
			return true;
		});
		const cwd = await scratch();
		const argv = ['request', 'POST', `${server.url}bookings`, '--dialect', 'bardge', '--json', '{"c":1}'];

		const first = await cli([...argv, '--retries', '0'], { cwd });
		drop = false;
		vi.setSystemTime(Date.UTC(2030, 0, 1, 0, 2)); // bardge keeps keys 90 s
		const later = await cli(argv, { cwd });

		expect(first.code).toBe(6);
		expect(later.code).toBe(8);
		expect(later.stderr).toMatch(/^idemkey: key_expired: /);
		expect(server.received).toHaveLength(1);
	});

	it('a server that refuses the connection exits 15 (not sent)', async () => {
		const probe = createServer();
		await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
		const { port } = probe.address() as AddressInfo;
		await new Promise<void>((resolve) => probe.close(() => resolve()));
		const cwd = await scratch();

		const out = await cli(
			[
				'request',
				'POST',
				`http://127.0.0.1:${port}/bookings`,
				'--op',
				'refused',
				'--json',
				'1',
				'--retries',
				'1',
			],
			{ cwd },
		);

		expect(out.code).toBe(15);
		expect(out.stderr).toMatch(/^idemkey: not_sent: .*ECONNREFUSED/);
		expect(out.stderr.trim().split('\n')).toHaveLength(1);
	});

	it('an unusable journal directory exits 9 and sends nothing', async () => {
		const server = await keyedServer();
		const cwd = await scratch();
		await writeFile(join(cwd, 'a-file'), 'not a directory');

		const out = await cli(
			['request', 'POST', `${server.url}x`, '--json', '1', '--journal', join(cwd, 'a-file', 'journal')],
			{ cwd },
		);

		expect(out.code).toBe(9);
		expect(out.stderr).toMatch(/^idemkey: journal: /);
		expect(server.received).toHaveLength(0);
	});

	it('resuming an operation the journal does not hold exits 12, with or without a journal', async () => {
		const server = await keyedServer();
		const cwd = await scratch();
		const none = await cli(['resume', 'no-such-op'], { cwd });
		await cli(['request', 'POST', `${server.url}x`, '--op', 'other', '--json', '1'], { cwd });
		const absent = await cli(['resume', 'no-such-op'], { cwd });

		expect([none.code, absent.code]).toEqual([12, 12]);
		expect(none.stderr).toMatch(/^idemkey: No journal at .*; nothing to resume\. Check --journal/m);
		expect(absent.stderr).toMatch(/^idemkey: No operation "no-such-op" in scope "default"/m);
		expect(server.received).toHaveLength(1);
	});

	it('Ctrl-C while waiting for an answer exits 130 and leaves the operation to resume', async () => {
		const controller = new AbortController();
		const server = await keyedServer((_req, _res, index) => {
			if (index > 0) return false;
			controller.abort(new Error('SIGINT'));
			return true; // never answers
		});
		const cwd = await scratch();
		const argv = ['request', 'POST', `${server.url}slow`, '--json', '{"s":1}'];

		const stopped = await cli(argv, { cwd, signal: controller.signal });
		const left = await cli(['pending', '--json'], { cwd });
		const rerun = await cli(argv, { cwd });

		expect(stopped.code).toBe(130);
		// Sent, no answer: unknown. Not `inflight`, which would say another process is sending it right now.
		expect(JSON.parse(left.stdout)).toMatchObject([{ state: 'unknown', attempts: 1 }]);
		expect(rerun.code).toBe(0);
		const keys = server.keysSeen();
		expect(keys).toHaveLength(2);
		expect(keys[1]).toBe(keys[0]);
		expect(statusFields(rerun.stderr).key).toBe(keys[0]);
	});
});
