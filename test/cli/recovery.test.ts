import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockHeldByAnotherProcess } from '../journal/node/support.js';
import { cli, keyedServer, scratch, statusFields } from './support.js';

type Listed = {
	operation: string;
	method: string;
	path: string;
	state: string;
	attempts: number;
	key: string;
};

const dropFirst = (count: number) => {
	let dropped = 0;
	return keyedServer((_req, res) => {
		if (dropped >= count) return false;
		dropped++;
		res.destroy(); // reset before processing: nothing applied, outcome unknown to the client
		return true;
	});
};

/** A request whose answer is lost (on a dropFirst server): exit 6, the operation left unknown in the journal. */
const lostRequest = (url: string, op: string, json: string, cwd: string, ...flags: string[]) =>
	cli(['request', 'POST', url, '--op', op, '--json', json, '--retries', '0', ...flags], { cwd });

describe('idemkey pending and resume', () => {
	it('lists an operation whose outcome is unknown and resumes it under the same key', async () => {
		const server = await dropFirst(1);
		const cwd = await scratch();
		const failed = await lostRequest(`${server.url}charges?x=1`, 'charge-1', '{"amount":5}', cwd);
		expect(failed.code).toBe(6);

		const listed = await cli(['pending', '--json'], { cwd });
		const table = await cli(['pending'], { cwd });
		const resumed = await cli(['resume', 'charge-1'], { cwd });
		const after = await cli(['pending', '--json'], { cwd });

		const [record, ...others] = JSON.parse(listed.stdout) as Listed[];
		expect(others).toEqual([]);
		expect(record).toMatchObject({
			operation: 'charge-1',
			method: 'POST',
			path: '/charges?x=1',
			state: 'unknown',
			attempts: 1,
			key: server.keysSeen()[0],
		});
		expect(table.stdout).toMatch(/^OPERATION +METHOD +PATH +STATE +ATTEMPTS +KEY +AGE$/m);
		expect(table.stdout).toMatch(
			new RegExp(`^charge-1 +POST +/charges\\?x=1 +unknown +1 +${record?.key} +\\d+s$`, 'm'),
		);
		expect(resumed.code).toBe(0);
		expect(JSON.parse(resumed.stdout)).toMatchObject({ received: '{"amount":5}' });
		expect(statusFields(resumed.stderr)).toMatchObject({ key: record?.key, operation: 'charge-1' });
		expect(server.keysSeen()).toEqual([record?.key, record?.key]);
		expect(JSON.parse(after.stdout)).toEqual([]);
	});

	it('resume --all finishes every unfinished operation and reports each', async () => {
		const server = await dropFirst(2);
		const cwd = await scratch();
		for (const n of [1, 2]) {
			expect((await lostRequest(`${server.url}orders`, `order-${n}`, `{"n":${n}}`, cwd)).code).toBe(6);
		}

		const out = await cli(['resume', '--all', '--concurrency', '2'], { cwd });

		expect(out.code).toBe(0);
		const lines = out.stdout.trim().split('\n').sort();
		expect(lines).toHaveLength(2);
		expect(lines[0]).toMatch(/^ok order-1 201 key=\S+ operation=order-1 attempts=1 replayed=false$/);
		expect(lines[1]).toMatch(/^ok order-2 201 /);
		expect(out.stderr).toMatch(/resumed 2 of 2 operations; 0 failed/);
		expect(server.effects.size).toBe(2);
		expect(JSON.parse((await cli(['pending', '--json'], { cwd })).stdout)).toEqual([]);
	});

	it('resume --all exits with the first failure code and keeps the failed operation pending', async () => {
		const server = await dropFirst(3); // the two first attempts fail, then the resume of one drops again
		const cwd = await scratch();
		for (const n of [1, 2]) await lostRequest(`${server.url}orders`, `order-${n}`, `{"n":${n}}`, cwd);

		const out = await cli(['resume', '--all', '--concurrency', '1', '--retries', '0'], { cwd });

		expect(out.code).toBe(6);
		expect(out.stdout).toMatch(/^failed order-1 exit=6 outcome_unknown: /m);
		expect(out.stdout).toMatch(/^ok order-2 201 /m);
		const pending = JSON.parse((await cli(['pending', '--json'], { cwd })).stdout) as Listed[];
		expect(pending.map((p) => p.operation)).toEqual(['order-1']);
	});

	it('--base-url resends to another origin with the journaled path, key and body', async () => {
		const gone = await dropFirst(1);
		const moved = await keyedServer();
		const cwd = await scratch();
		await lostRequest(`${gone.url}v1/orders?src=cli`, 'o1', '{"n":1}', cwd);

		const out = await cli(['resume', 'o1', '--base-url', moved.url.replace(/\/$/, '')], { cwd });

		expect(out.code).toBe(0);
		expect(moved.received).toHaveLength(1);
		expect(moved.received[0]?.url).toBe('/v1/orders?src=cli');
		expect(moved.received[0]?.body.toString()).toBe('{"n":1}');
		expect(moved.keysSeen()).toEqual(gone.keysSeen());
	});

	it('resume sends the secret headers given again on its command line (the journal never had them)', async () => {
		const server = await dropFirst(1);
		const cwd = await scratch();
		const journal = join(cwd, 'j');
		await lostRequest(
			`${server.url}x`,
			'x',
			'1',
			cwd,
			'--journal',
			journal,
			'-H',
			'Authorization: Bearer first',
		);

		const out = await cli(['resume', 'x', '--journal', journal, '-H', 'Authorization: Bearer again'], {
			cwd,
		});

		expect(out.code).toBe(0);
		expect(server.received.map((r) => r.headers.authorization)).toEqual(['Bearer first', 'Bearer again']);
	});

	it('a finished operation resumes from the journal without a request', async () => {
		const server = await keyedServer();
		const cwd = await scratch();
		await cli(['request', 'POST', `${server.url}x`, '--op', 'done', '--json', '1'], { cwd });

		const out = await cli(['resume', 'done'], { cwd });

		expect(out.code).toBe(0);
		expect(statusFields(out.stderr)).toMatchObject({ replayed: 'journal', attempts: '0' });
		expect(server.received).toHaveLength(1);
	});

	it('counts read as English: "in 1 try", "resumed 1 of 1 operation"', async () => {
		const cwd = await scratch();
		const refused = await cli(
			['request', 'POST', 'http://127.0.0.1:1/x', '--op', 'refused', '--json', '1', '--retries', '0'],
			{ cwd },
		);
		expect(refused.stderr).toMatch(/could not be reached \(.*\) in 1 try\./);
		const server = await dropFirst(1);
		expect((await lostRequest(`${server.url}orders`, 'order-1', '{"n":1}', cwd)).code).toBe(6);
		await cli(['abandon', 'refused'], { cwd });

		const out = await cli(['resume', '--all'], { cwd });

		expect(out.stderr).toMatch(/resumed 1 of 1 operation; 0 failed/);
	});

	it('Ctrl-C ends pending while another live process holds the journal lock: exit 130, not a 30 s wait', async () => {
		const cwd = await scratch();
		await cli(['request', 'POST', 'http://127.0.0.1:1/x', '--op', 'stuck', '--json', '1', '--retries', '0'], {
			cwd,
		});
		lockHeldByAnotherProcess(join(cwd, '.idemkey'));
		const controller = new AbortController();
		setTimeout(() => controller.abort(new Error('SIGINT')), 50);

		const out = await cli(['pending'], { cwd, signal: controller.signal });

		expect(out).toMatchObject({ code: 130, stdout: '' });
	});

	it('pending and resume --all on a journal that does not exist say so (exit 12), never "nothing unfinished"', async () => {
		// A mistyped --journal (or a cron job's other working directory) must not read as "nothing is stuck".
		const cwd = await scratch();
		await cli(['request', 'POST', 'http://127.0.0.1:1/x', '--op', 'stuck', '--json', '1', '--retries', '0'], {
			cwd,
		});
		const typo = ['--journal', '.idemkye'];
		const table = await cli(['pending', ...typo], { cwd });
		const json = await cli(['pending', '--json', ...typo], { cwd });
		const all = await cli(['resume', '--all', ...typo], { cwd });
		const real = await cli(['pending'], { cwd });

		for (const out of [table, json, all]) {
			expect(out).toMatchObject({ code: 12, stdout: '' });
			expect(out.stderr).toMatch(/^idemkey: No journal at .*\.idemkye; .*Check --journal/m);
		}
		expect(real.stdout).toMatch(/stuck/);
		expect((await readdir(cwd)).sort()).toEqual(['.idemkey']);
	});
});
