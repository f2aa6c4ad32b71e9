import { readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sendJson } from '../helpers/loopback-server.js';
import { allFileText, cli, keyedServer, scratch, statusFields } from './support.js';

describe('idemkey request', () => {
	it('rerunning the identical command is the same operation: one key, one effect, the rerun answered from the journal', async () => {
		const server = await keyedServer();
		const cwd = await scratch();
		const argv = ['request', 'POST', `${server.url}bookings`, '--json', '{"classId":"c7"}'];

		const first = await cli(argv, { cwd });
		const second = await cli(argv, { cwd });

		expect(first.code).toBe(0);
		expect(second.code).toBe(0);
		expect(JSON.parse(first.stdout)).toEqual({ id: 'b1', received: '{"classId":"c7"}' });
		expect(second.stdout).toBe(first.stdout);
		const [a, b] = [statusFields(first.stderr), statusFields(second.stderr)];
		expect(a).toMatchObject({ status: '201', attempts: '1', replayed: 'false' });
		expect(b).toMatchObject({
			status: '201',
			attempts: '0',
			replayed: 'journal',
			key: a.key,
			operation: a.operation,
		});
		expect(server.received).toHaveLength(1);
		expect([...server.effects.values()]).toEqual([1]);
	});

	it('-H "Idempotency-Key: ..." is that request\'s own key (a client may not carry one for every write)', async () => {
		const server = await keyedServer();
		const cwd = await scratch();
		const argv = [
			'request',
			'POST',
			`${server.url}bookings`,
			'-H',
			'Idempotency-Key: k-mine',
			'--json',
			'{}',
		];

		const out = await cli(argv, { cwd });

		expect(out.code).toBe(0);
		expect(statusFields(out.stderr)).toMatchObject({ status: '201', key: 'k-mine' });
		expect(server.keysSeen()).toEqual(['k-mine']);
	});

	it('a rerun after the answer was lost resends under the same key and gets the server replay', async () => {
		// First run: the server applies the request and then the connection dies before the answer arrives.
		const server = await keyedServer((_req, _res, index) => (index === 0 ? 'drop-after-commit' : false));
		const cwd = await scratch();
		const argv = ['request', 'POST', `${server.url}charges`, '--json', '{"amount":500}', '--retries', '0'];

		const first = await cli(argv, { cwd });
		const second = await cli(argv, { cwd });

		expect(first.code).toBe(6);
		expect(first.stderr).toMatch(/outcome_unknown/);
		expect(second.code).toBe(0);
		expect(statusFields(second.stderr)).toMatchObject({ replayed: 'true', attempts: '1' });
		const keys = server.keysSeen();
		expect(keys).toHaveLength(2);
		expect(keys[1]).toBe(keys[0]);
		expect([...server.effects.values()]).toEqual([1]);
	});

	it('retries a 5xx with the same key and reports both attempts', async () => {
		const server = await keyedServer((_req, res, index) => {
			if (index > 0) return false;
			sendJson(res, 503, { error: 'busy' });
			return true;
		});
		const cwd = await scratch();

		const out = await cli(['request', 'POST', `${server.url}orders`, '--json', '{"sku":"x"}'], { cwd });

		expect(out.code).toBe(0);
		expect(statusFields(out.stderr)).toMatchObject({ status: '201', attempts: '2', replayed: 'false' });
		const keys = server.keysSeen();
		expect(keys).toHaveLength(2);
		expect(keys[0]).toBe(keys[1]);
		expect(statusFields(out.stderr).key).toBe(keys[0]);
	});

	/** A server that answers 503 `{"error":"busy"}` to the first `failures` requests, then applies them. */
	const busyServer = (failures: number) =>
		keyedServer((_req, res, index) => {
			if (index >= failures) return false;
			sendJson(res, 503, { error: 'busy' });
			return true;
		});
	const lines = (text: string) => text.split('\n').filter(Boolean);

	it('-v shows each attempt and each wait on stderr, without the query string', async () => {
		const server = await busyServer(2);
		const cwd = await scratch();
		const url = `${server.url}orders?email=QUERYTEXT`;

		const out = await cli(['request', 'POST', url, '--json', '{"sku":"x"}', '-v'], { cwd });

		expect(out.code).toBe(0);
		const key = statusFields(out.stderr).key;
		const shown = lines(out.stderr).map((l) => l.replace(/retrying in [\d.]+ m?s/, 'retrying in T'));
		expect(shown).toEqual([
			`idemkey: attempt 1: POST ${server.url}orders key=${key}`,
			'idemkey: attempt 1: 503 (server error); retrying in T',
			`idemkey: attempt 2: POST ${server.url}orders key=${key}`,
			'idemkey: attempt 2: 503 (server error); retrying in T',
			`idemkey: attempt 3: POST ${server.url}orders key=${key}`,
			`idemkey: 201 key=${key} operation=${statusFields(out.stderr).operation} attempts=3 replayed=false`,
		]);
		expect(out.stderr).not.toContain('QUERYTEXT');
	});

	it('-v says when an attempt never reached the server (connection refused)', async () => {
		const closed = await keyedServer();
		const url = `${closed.url}orders`;
		await closed.close();
		const cwd = await scratch();

		const out = await cli(['request', 'POST', url, '--json', '{}', '--retries', '1', '-v'], { cwd });

		expect(lines(out.stderr).slice(0, 3)).toEqual([
			expect.stringMatching(/^idemkey: attempt 1: POST \S+ key=\S+$/),
			expect.stringMatching(/^idemkey: attempt 1: not sent \(no connection\); retrying in [\d.]+ m?s$/),
			expect.stringMatching(/^idemkey: attempt 2: POST \S+ key=\S+$/),
		]);
	});

	it('on a terminal, one progress line rewritten in place and cleared before the status line; none in a script', async () => {
		const server = await busyServer(1);
		const cwd = await scratch();
		const argv = ['request', 'POST', `${server.url}orders`, '--json', '{"sku":"x"}'];
		const CLEAR = '\r\x1b[2K';

		const tty = await cli(argv, { cwd, ttyStderr: true });
		const script = await cli([...argv.slice(0, -1), '{"sku":"y"}'], { cwd });

		expect(tty.code).toBe(0);
		const frames = tty.stderr.split(CLEAR);
		expect(frames.slice(1, -1)).toEqual([
			expect.stringMatching(/^idemkey: attempt 1: POST \S+ key=\S+$/),
			expect.stringMatching(/^idemkey: attempt 1: 503 \(server error\); retrying in [\d.]+ m?s$/),
			expect.stringMatching(/^idemkey: attempt 2: POST \S+ key=\S+$/),
		]);
		expect(frames.at(-1)).toMatch(/^idemkey: 201 key=\S+ operation=\S+ attempts=2 replayed=false\n$/);
		expect(lines(script.stderr)).toHaveLength(1);
		expect(script.stderr).not.toContain('\r');
	});

	it('prints the last 5xx body on stdout when retries run out (exit 6)', async () => {
		const server = await busyServer(Number.POSITIVE_INFINITY);
		const cwd = await scratch();

		const out = await cli(
			['request', 'POST', `${server.url}orders`, '--json', '{"sku":"x"}', '--retries', '1'],
			{ cwd },
		);

		expect(out.code).toBe(6);
		expect(out.stdout).toBe('{"error":"busy"}\n');
		expect(out.stderr).toMatch(/^idemkey: outcome_unknown: /m);
		expect(server.received).toHaveLength(2);
	});

	it('a different body without --op is a different operation with its own key', async () => {
		const server = await keyedServer();
		const cwd = await scratch();
		const url = `${server.url}bookings`;

		const one = await cli(['request', 'POST', url, '--json', '{"classId":"c7"}'], { cwd });
		const two = await cli(['request', 'POST', url, '--json', '{"classId":"c8"}'], { cwd });

		expect([one.code, two.code]).toEqual([0, 0]);
		expect(statusFields(one.stderr).operation).not.toBe(statusFields(two.stderr).operation);
		expect(server.effects.size).toBe(2);
	});

	it('reformatted JSON is the same operation (the derived id hashes canonical JSON)', async () => {
		const server = await keyedServer();
		const cwd = await scratch();
		const url = `${server.url}bookings`;

		await cli(['request', 'POST', url, '--json', '{"a":1,"b":[1,2]}'], { cwd });
		const again = await cli(['request', 'POST', url, '--json', '{ "b": [1, 2],\n  "a": 1 }'], { cwd });

		expect(again.code).toBe(0);
		expect(statusFields(again.stderr).replayed).toBe('journal');
		expect(server.received).toHaveLength(1);
	});

	it('--op names the operation: the same --op with another body is refused before sending (exit 3)', async () => {
		const server = await keyedServer();
		const cwd = await scratch();
		const url = `${server.url}bookings`;

		const first = await cli(['request', 'POST', url, '--op', 'book:u42', '--json', '{"classId":"c7"}'], {
			cwd,
		});
		const other = await cli(['request', 'POST', url, '--op', 'book:u42', '--json', '{"classId":"c9"}'], {
			cwd,
		});

		expect(statusFields(first.stderr).operation).toBe('book:u42');
		expect(other.code).toBe(3);
		expect(other.stderr).toMatch(/^idemkey: key_reused: .*different request/m);
		expect(server.received).toHaveLength(1);
	});

	it('reads --json from a file and from stdin, and --data bytes as they are', async () => {
		const server = await keyedServer();
		const cwd = await scratch();
		await writeFile(join(cwd, 'body.json'), '{"from":"file"}');

		const file = await cli(['request', 'POST', `${server.url}a`, '--json', '@body.json'], { cwd });
		const stdin = await cli(['request', 'POST', `${server.url}b`, '--json', '-'], {
			cwd,
			stdin: '{"from":"stdin"}',
		});
		const data = await cli(
			[
				'request',
				'PUT',
				`${server.url}c`,
				'-d',
				'a=1&b=2',
				'-H',
				'Content-Type: application/x-www-form-urlencoded',
			],
			{ cwd },
		);

		expect([file.code, stdin.code, data.code]).toEqual([0, 0, 0]);
		const [a, b, c] = server.received;
		expect(a?.body.toString()).toBe('{"from":"file"}');
		expect(a?.headers['content-type']).toBe('application/json');
		expect(b?.body.toString()).toBe('{"from":"stdin"}');
		expect(c?.method).toBe('PUT');
		expect(c?.body.toString()).toBe('a=1&b=2');
		expect(c?.headers['content-type']).toBe('application/x-www-form-urlencoded');
	});

	it('sends Authorization, Cookie and API-key headers but never writes them to the journal directory', async () => {
		const server = await keyedServer();
		const cwd = await scratch();
		const journal = join(cwd, 'journal');

		const out = await cli(
			[
				'request',
				'POST',
				`${server.url}charges`,
				'--journal',
				journal,
				'--json',
				'{"amount":1}',
				'-H',
				'Authorization: Bearer sk_live_AUTHSECRET',
				'-H',
				'Cookie: session=COOKIESECRET',
				'-H',
				'X-Api-Key: APIKEYSECRET',
				'-H',
				'X-Trace: unlisted-trace',
				'-H',
				'Accept: application/visible+json',
			],
			{ cwd },
		);

		expect(out.code).toBe(0);
		const sent = server.received[0]?.headers;
		expect(sent?.authorization).toBe('Bearer sk_live_AUTHSECRET');
		expect(sent?.cookie).toBe('session=COOKIESECRET');
		expect(sent?.['x-api-key']).toBe('APIKEYSECRET');
		const stored = await allFileText(journal);
		// The journal did record the request (its allow-listed header), so the absence of the secrets means something.
		expect(stored).toContain('application/visible+json');
		expect(stored).not.toMatch(/AUTHSECRET|COOKIESECRET|APIKEYSECRET|unlisted-trace/);
		expect(sent?.['x-trace']).toBe('unlisted-trace');
		// The journal's files are readable by their owner only.
		const files = await readdir(journal, { recursive: true, withFileTypes: true });
		const modes = await Promise.all(
			files.filter((f) => f.isFile()).map(async (f) => (await stat(join(f.parentPath, f.name))).mode & 0o777),
		);
		expect(modes.length).toBeGreaterThan(0);
		expect(new Set(modes)).toEqual(new Set([0o600]));
	});

	it('uses $IDEMKEY_JOURNAL, else .idemkey in the working directory', async () => {
		const server = await keyedServer();
		const cwd = await scratch();
		const envDir = join(cwd, 'from-env');
		const argv = ['request', 'POST', `${server.url}x`, '--json', '1', '-H', 'Content-Language: m1'];

		await cli(argv, { cwd, env: { IDEMKEY_JOURNAL: envDir } });
		await cli([...argv.slice(0, -1), 'Content-Language: m2'], { cwd });

		expect(await allFileText(envDir)).toContain('m1');
		expect(await allFileText(join(cwd, '.idemkey'))).toContain('m2');
	});
});
