import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/cli/exit-codes.js';
import { newClaimedRecord } from '../../src/journal/lifecycle.js';
import { FileJournal } from '../../src/node.js';
import { lockHeldByAnotherProcess } from '../journal/node/support.js';
import { cli, keyedServer, scratch, statusFields } from './support.js';

type Listed = { operation: string; state: string; byHand: { action: string; reason?: string } | null };

/** A server that resets the first `count` connections before applying anything: the answer is lost. */
const dropFirst = (count: number) => {
	let dropped = 0;
	return keyedServer((_req, res) => {
		if (dropped >= count) return false;
		dropped++;
		res.destroy();
		return true;
	});
};

/** The same command line every time: rerunning it is the same operation. */
const charge = (url: string, cwd: string) =>
	cli(['request', 'POST', `${url}charges`, '--op', 'charge-1', '--json', '{"amount":5}', '--retries', '0'], {
		cwd,
	});

describe('idemkey abandon', () => {
	it('settles a stuck operation: pending and resume --all drop it, pending OP shows why, a rerun exits 14 unsent', async () => {
		const server = await dropFirst(1);
		const cwd = await scratch();
		expect((await charge(server.url, cwd)).code).toBe(EXIT_CODES.outcome_unknown);

		const out = await cli(['abandon', 'charge-1', '--reason', 'wrong port'], { cwd });
		expect(out.code).toBe(0);
		expect(out.stderr).toMatch(/^idemkey: abandoned charge-1 \(was unknown after 1 attempt\)/);

		expect(JSON.parse((await cli(['pending', '--json'], { cwd })).stdout)).toEqual([]);
		const resumed = await cli(['resume', '--all'], { cwd });
		expect(resumed.code).toBe(0);
		expect(resumed.stdout).toBe('');
		const shown = await cli(['pending', 'charge-1'], { cwd });
		expect(shown.stdout).toMatch(/^OPERATION +METHOD +PATH +STATE +ATTEMPTS +KEY +AGE +SETTLED$/m);
		expect(shown.stdout).toMatch(
			/^charge-1 +POST +\/charges +failed +1 +\S+ +\d+s +abandoned by hand: wrong port$/m,
		);
		const [listed] = JSON.parse((await cli(['pending', 'charge-1', '--json'], { cwd })).stdout) as Listed[];
		expect(listed).toMatchObject({ state: 'failed', byHand: { action: 'abandon', reason: 'wrong port' } });

		const rerun = await charge(server.url, cwd);
		expect(rerun.code).toBe(EXIT_CODES.abandoned);
		expect(rerun.stderr).toMatch(/abandoned by hand \(wrong port\)/);
		expect(server.received).toHaveLength(1);

		const again = await cli(['abandon', 'charge-1'], { cwd });
		expect(again).toMatchObject({ code: 0 });
		expect(again.stderr).toMatch(/already abandoned; nothing changed/);
	});

	it('refuses an attempt recorded in flight unless --force, and what is not there or already finished', async () => {
		const cwd = await scratch();
		const directory = join(cwd, '.idemkey');
		// What a process killed mid-request leaves behind: an attempt claimed, no answer recorded.
		const journal = new FileJournal({ directory });
		await journal.create(
			newClaimedRecord({
				scope: 'default',
				operation: 'killed',
				key: 'k-1',
				fingerprint: 'f',
				method: 'POST',
				path: '/charges',
				now: Date.now(),
				retentionMs: undefined,
				keepMs: 86_400_000,
			}),
		);
		await journal.close();

		const refused = await cli(['abandon', 'killed'], { cwd });
		expect(refused.code).toBe(EXIT_CODES.in_progress);
		expect(refused.stderr).toMatch(/--force/);
		expect((JSON.parse((await cli(['pending', '--json'], { cwd })).stdout) as Listed[])[0]?.state).toBe(
			'inflight',
		);

		expect((await cli(['abandon', 'killed', '--force'], { cwd })).code).toBe(0);
		expect((await cli(['resolve', 'killed', '--force'], { cwd })).code).toBe(EXIT_CODES.usage);
		expect((await cli(['abandon', 'nope'], { cwd })).code).toBe(EXIT_CODES.not_found);
		expect((await cli(['abandon', 'x'], { cwd: await scratch() })).code).toBe(EXIT_CODES.not_found);
		expect((await cli(['pending', 'nope'], { cwd })).code).toBe(EXIT_CODES.not_found);
	});
});

describe('idemkey resolve', () => {
	it('records the outcome found: a rerun prints it from the journal and sends nothing', async () => {
		const server = await dropFirst(1);
		const cwd = await scratch();
		expect((await charge(server.url, cwd)).code).toBe(EXIT_CODES.outcome_unknown);
		await writeFile(join(cwd, 'found.json'), '{"id":"ch_9","amount":5}');

		const out = await cli(['resolve', 'charge-1', '--status', '201', '--json', '@found.json'], { cwd });
		expect(out.code).toBe(0);
		expect(out.stderr).toMatch(/^idemkey: resolved as 201 charge-1/);

		const rerun = await charge(server.url, cwd);
		expect(rerun.code).toBe(0);
		expect(JSON.parse(rerun.stdout)).toEqual({ id: 'ch_9', amount: 5 });
		expect(statusFields(rerun.stderr)).toMatchObject({ status: '201', replayed: 'journal', attempts: '0' });
		expect(server.received).toHaveLength(1);
		expect(JSON.parse((await cli(['pending', '--json'], { cwd })).stdout)).toEqual([]);
	});

	it.each([
		[['--status', '404'], EXIT_CODES.usage],
		[['--json', '{"id":'], EXIT_CODES.usage],
		[['--json', '@missing.json'], EXIT_CODES.input_unreadable],
	])('refuses %j before writing anything (exit %i)', async (flags, code) => {
		const server = await dropFirst(1);
		const cwd = await scratch();
		await charge(server.url, cwd);

		const out = await cli(['resolve', 'charge-1', ...flags], { cwd });

		expect(out.code).toBe(code);
		expect(out.stderr.trim().split('\n')).toHaveLength(1);
		const [listed] = JSON.parse((await cli(['pending', '--json'], { cwd })).stdout) as Listed[];
		expect(listed).toMatchObject({ operation: 'charge-1', state: 'unknown', byHand: null });
	});

	it('Ctrl-C ends abandon while another live process holds the journal lock: exit 130, nothing written', async () => {
		const server = await dropFirst(1);
		const cwd = await scratch();
		expect((await charge(server.url, cwd)).code).toBe(EXIT_CODES.outcome_unknown);
		const lock = lockHeldByAnotherProcess(join(cwd, '.idemkey'));
		const controller = new AbortController();
		setTimeout(() => controller.abort(new Error('SIGINT')), 50);

		const out = await cli(['abandon', 'charge-1'], { cwd, signal: controller.signal });

		expect(out).toMatchObject({ code: EXIT_CODES.interrupted, stdout: '' });
		lock.release();
		const [listed] = JSON.parse((await cli(['pending', '--json'], { cwd })).stdout) as Listed[];
		expect(listed).toMatchObject({ operation: 'charge-1', state: 'unknown', byHand: null });
	});

	it('--max-time bounds the wait for a journal lock another live process holds, and the error names --max-time', async () => {
		const server = await dropFirst(1);
		const cwd = await scratch();
		expect((await charge(server.url, cwd)).code).toBe(EXIT_CODES.outcome_unknown);
		const lock = lockHeldByAnotherProcess(join(cwd, '.idemkey'));

		const abandoned = await cli(['abandon', 'charge-1', '--max-time', '100'], { cwd });
		const listed = await cli(['pending', '--max-time', '100'], { cwd });
		const shown = await cli(['pending', 'charge-1', '--max-time', '100'], { cwd });
		const resumed = await cli(['resume', 'charge-1', '--max-time', '100'], { cwd });

		for (const out of [abandoned, listed, shown, resumed]) {
			expect(out).toMatchObject({ code: EXIT_CODES.journal, stdout: '' });
			// What the command's user can change, not the library option behind it.
			expect(out.stderr).toMatch(/within the call's deadline \(--max-time\)/);
			expect(out.stderr).not.toMatch(/maxRetryTime/);
		}
		lock.release();
		const [record] = JSON.parse((await cli(['pending', '--json'], { cwd })).stdout) as Listed[];
		expect(record).toMatchObject({ operation: 'charge-1', state: 'unknown', byHand: null });
	});
});
