import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/cli/exit-codes.js';
import type { AttemptEntry, JournalRecord } from '../../src/journal/record.js';
import { lockHeldByAnotherProcess } from '../journal/node/support.js';
import { seedJournal, storedRecord, T0 } from './records.js';
import { cli, keyedServer, scratch } from './support.js';

/** `label  value` lines of the readable record, by label. */
const fieldsOf = (stdout: string): Record<string, string> =>
	Object.fromEntries(
		stdout
			.split('\n')
			.map((text) => /^([a-z][a-z ]*?) {2,}(.*)$/.exec(text))
			.filter((match) => match !== null)
			.map((match) => [match[1], match[2]]),
	);

/** The timeline's lines (indented under `history`), split into cells. */
const timelineOf = (stdout: string): string[][] =>
	stdout
		.split('\n')
		.filter((text) => text.startsWith('  '))
		.map((text) => text.trim().split(/ {2,}/));

/** Twelve attempts: timeouts and 503s backing off, an in-progress 409, then the replayed 201. */
const LONG_HISTORY: AttemptEntry[] = Array.from({ length: 12 }, (_, i) => ({
	at: T0 + 1000 * i * i,
	waitedMs: i === 0 ? 0 : 250 * i,
	...(i === 11
		? { status: 201, replayed: true }
		: i === 10
			? { status: 409, error: 'in_progress', replayed: false }
			: i % 2 === 0
				? { error: 'timeout' }
				: { status: 503, replayed: null }),
}));

describe('idemkey inspect', () => {
	it('shows the record and one timeline line per attempt kept, oldest first', async () => {
		const cwd = await scratch();
		const leaseUntil = Date.now() + 600_000;
		await seedJournal(cwd, [
			storedRecord('charge-1', {
				state: 'inflight',
				attemptsStarted: 14,
				attemptsFinished: 12,
				updatedAt: T0 + 121_000,
				lease: { owner: 'client-7f3a', until: leaseUntil, fence: 3 },
				interruptions: 2,
				setAsideAt: T0 + 60_000,
				history: LONG_HISTORY,
				trace: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
			}),
		]);

		const out = await cli(['inspect', 'charge-1'], { cwd });

		expect(out).toMatchObject({ code: 0, stderr: '' });
		const fields = fieldsOf(out.stdout);
		expect(fields).toMatchObject({
			operation: 'charge-1',
			scope: 'default',
			request: 'POST /v1/charges',
			url: 'https://api.example.com/v1/charges',
			state: 'inflight',
			key: 'key-charge-1',
			fingerprint: 'f4a1c9d2e3b4...',
			attempts: '14 started, 12 concluded',
			interruptions: '2',
			outcome: '-',
			trace: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
			history: '12 of 14 attempts started',
		});
		expect(fields.lease).toMatch(
			new RegExp(
				`^owner client-7f3a, fence 3, until ${new Date(leaseUntil).toISOString()} \\(in \\d+m\\); live: other clients wait for its outcome$`,
			),
		);
		expect(fields['set aside']).toMatch(/^2026-03-01T09:01:00\.000Z \(\d+d ago\): resumed only on request$/);
		expect(fields.created).toMatch(/^2026-03-01T09:00:00\.000Z \(\d+d ago\)$/);
		expect(fields['key expires']).toMatch(/^2026-03-02T08:59:00\.000Z \(\d+d ago\)$/);

		const [header, ...rows] = timelineOf(out.stdout);
		expect(header).toEqual(['TIME', 'ELAPSED', 'WAITED', 'RESULT', 'REPLAYED']);
		expect(rows).toHaveLength(12);
		expect(rows[0]).toEqual(['2026-03-01T09:00:00.000Z', '+0ms', '+0ms', 'timeout', 'unknown']);
		expect(rows[1]).toEqual(['2026-03-01T09:00:01.000Z', '+1.0s', '+250ms', '503', 'unknown']);
		expect(rows[3]).toEqual(['2026-03-01T09:00:09.000Z', '+9.0s', '+750ms', '503', 'unknown']);
		expect(rows[10]).toEqual(['2026-03-01T09:01:40.000Z', '+1m', '+2.5s', '409 in_progress', 'no']);
		expect(rows[11]).toEqual(['2026-03-01T09:02:01.000Z', '+2m', '+2.7s', '201', 'yes']);
	});

	it('--json prints the record as stored plus the computed timeline', async () => {
		const cwd = await scratch();
		const record = storedRecord('charge-1', {
			state: 'succeeded',
			attemptsStarted: 2,
			attemptsFinished: 2,
			lease: { owner: 'client-7f3a', until: T0 + 30_000, fence: 1 },
			history: [
				{ at: T0 + 5, error: 'network' },
				{ at: T0 + 805, waitedMs: 800, status: 201, replayed: true },
			],
			outcome: { status: 201, replayed: true, headers: [['content-type', 'application/json']], body: '{}' },
		});
		await seedJournal(cwd, [record]);

		const out = await cli(['inspect', 'charge-1', '--json'], { cwd });

		expect(out).toMatchObject({ code: 0, stderr: '' });
		const { timeline, ...shown } = JSON.parse(out.stdout) as JournalRecord & { timeline: unknown };
		expect(shown).toEqual(record);
		expect(timeline).toEqual([
			{
				at: T0 + 5,
				time: '2026-03-01T09:00:00.005Z',
				sinceCreatedMs: 5,
				waitedMs: null,
				result: 'network',
				status: null,
				error: 'network',
				replayed: null,
			},
			{
				at: T0 + 805,
				time: '2026-03-01T09:00:00.805Z',
				sinceCreatedMs: 805,
				waitedMs: 800,
				result: '201',
				status: 201,
				error: null,
				replayed: true,
			},
		]);
		const fields = fieldsOf((await cli(['inspect', 'charge-1'], { cwd })).stdout);
		expect(fields.lease).toMatch(/; over \(the attempt concluded\)$/);
		expect(fields.outcome).toBe('201, replayed yes, body 2 characters kept');
	});

	it('reads a record written before leases and histories, and one whose attempts never concluded', async () => {
		const cwd = await scratch();
		const old = storedRecord('old', { state: 'unknown', attemptsStarted: 1, attemptsFinished: 1 });
		const crashed = storedRecord('crashed', {
			state: 'inflight',
			attemptsStarted: 1,
			lease: { owner: 'client-dead', until: T0 + 30_000, fence: 1 },
		});
		await seedJournal(cwd, [old, crashed]);

		const readable = await cli(['inspect', 'old'], { cwd });
		const json = await cli(['inspect', 'old', '--json'], { cwd });
		const inFlight = await cli(['inspect', 'crashed'], { cwd });

		expect(readable.code).toBe(0);
		const fields = fieldsOf(readable.stdout);
		expect(fields).toMatchObject({
			state: 'unknown',
			interruptions: '0',
			'set aside': 'no',
			outcome: '-',
			history: 'none (the record predates attempt histories)',
		});
		expect(fields.lease).toBeUndefined();
		expect(fields.trace).toBeUndefined();
		expect(timelineOf(readable.stdout)).toEqual([]);
		expect(JSON.parse(json.stdout)).toEqual({ ...old, timeline: [] });
		const crashedFields = fieldsOf(inFlight.stdout);
		expect(crashedFields.history).toBe('none (no attempt has concluded)');
		// Its owner died: the next client to run it takes the lease over rather than waiting.
		expect(crashedFields.lease).toMatch(/\(\d+d ago\); expired: the next client takes it over$/);
	});

	it('shows how an operation was settled by hand', async () => {
		const cwd = await scratch();
		const byHand = (action: 'abandon' | 'resolve', status: number, error?: string) =>
			storedRecord(action, {
				state: action === 'abandon' ? 'failed' : 'succeeded',
				outcome: {
					status,
					replayed: null,
					headers: [],
					...(error ? { error } : {}),
					byHand: { action, reason: 'checked the dashboard' },
				},
			});
		await seedJournal(cwd, [byHand('abandon', 0, 'abandoned'), byHand('resolve', 201)]);

		const abandoned = fieldsOf((await cli(['inspect', 'abandon'], { cwd })).stdout);
		const resolved = fieldsOf((await cli(['inspect', 'resolve'], { cwd })).stdout);

		expect(abandoned.outcome).toBe('abandoned by hand (abandoned): checked the dashboard');
		expect(resolved.outcome).toBe('resolved by hand as 201: checked the dashboard');
	});

	it('an operation or a journal that is not there exits 12 and says so, creating nothing', async () => {
		const cwd = await scratch();
		await seedJournal(cwd, [storedRecord('charge-1')]);
		const empty = await scratch();

		const missing = await cli(['inspect', 'charge-2', '--scope', 'tenant-9'], { cwd });
		const otherScope = await cli(['inspect', 'charge-1', '--scope', 'tenant-9', '--json'], { cwd });
		const noJournal = await cli(['inspect', 'charge-1'], { cwd: empty });

		expect(missing).toMatchObject({ code: EXIT_CODES.not_found, stdout: '' });
		expect(missing.stderr).toMatch(/^idemkey: No operation "charge-2" in scope "tenant-9" \(.*\.idemkey\);/);
		expect(otherScope).toMatchObject({ code: EXIT_CODES.not_found, stdout: '' });
		expect(noJournal).toMatchObject({ code: EXIT_CODES.not_found, stdout: '' });
		expect(noJournal.stderr).toMatch(/^idemkey: No journal at /);
		await expect(access(join(empty, '.idemkey'))).rejects.toMatchObject({ code: 'ENOENT' });
	});

	it('waits for a journal lock another live process holds at most --max-time (exit 9), and Ctrl-C ends the wait', async () => {
		const cwd = await scratch();
		await seedJournal(cwd, [storedRecord('charge-1')]);
		const lock = lockHeldByAnotherProcess(join(cwd, '.idemkey'));
		const controller = new AbortController();
		setTimeout(() => controller.abort(new Error('SIGINT')), 50);

		const bounded = await cli(['inspect', 'charge-1', '--max-time', '100'], { cwd });
		const interrupted = await cli(['inspect', 'charge-1'], { cwd, signal: controller.signal });
		lock.release();

		expect(bounded).toMatchObject({ code: EXIT_CODES.journal, stdout: '' });
		expect(bounded.stderr).toMatch(/within the call's deadline \(--max-time\)/);
		expect(interrupted).toMatchObject({ code: EXIT_CODES.interrupted, stdout: '' });
		expect((await cli(['inspect', 'charge-1'], { cwd })).code).toBe(0);
	});

	it.each([
		[[], /inspect takes one operation id/],
		[['a', 'b'], /inspect takes one operation id/],
		[['a', '--max-time', '0'], /--max-time must be a whole number/],
		[['a', '--frobnicate'], /inspect: Unknown option '--frobnicate'/],
	])('refuses %j as a usage error (exit 2)', async (argv, message) => {
		const out = await cli(['inspect', ...argv], { cwd: await scratch() });
		expect(out).toMatchObject({ code: EXIT_CODES.usage, stdout: '' });
		expect(out.stderr).toMatch(message);
	});

	it('never prints a credential a foreign record holds, in either form, and warns that it is there', async () => {
		const cwd = await scratch();
		await seedJournal(cwd, [
			storedRecord('leaky', {
				request: {
					url: 'https://ops:hunter2@api.example.com/v1/charges?api_key=sk_live_123&page=2',
					headers: [
						['content-type', 'application/json'],
						['authorization', 'Bearer sk_live_456'],
					],
				},
				state: 'succeeded',
				outcome: { status: 201, replayed: false, headers: [['set-cookie', 'session=s3cr3t']] },
			}),
		]);

		const readable = await cli(['inspect', 'leaky'], { cwd });
		const json = await cli(['inspect', 'leaky', '--json'], { cwd });

		for (const out of [readable, json]) {
			expect(out.code).toBe(0);
			expect(`${out.stdout}${out.stderr}`).not.toMatch(/hunter2|sk_live|s3cr3t|ops:/);
			expect(out.stderr).toMatch(
				/^idemkey: warning: the record holds what looks like credentials, shown as \[redacted\]: the user info of the request URL, query parameter api_key, request header authorization, response header set-cookie\./,
			);
		}
		expect(fieldsOf(readable.stdout).url).toBe(
			'https://api.example.com/v1/charges?api_key=[redacted]&page=2',
		);
		const shown = JSON.parse(json.stdout) as JournalRecord;
		expect(shown.request?.headers).toEqual([
			['content-type', 'application/json'],
			['authorization', '[redacted]'],
		]);
		expect(shown.outcome?.headers).toEqual([['set-cookie', '[redacted]']]);
	});

	it('shows what a real request left behind: the key the server saw, the attempt, no trace of its credential header', async () => {
		let dropped = false;
		const server = await keyedServer((_req, res) => {
			if (dropped) return false;
			dropped = true;
			res.destroy();
			return true;
		});
		const cwd = await scratch();
		const sent = await cli(
			[
				'request',
				'POST',
				`${server.url}charges`,
				'--op',
				'charge-1',
				'--json',
				'{"amount":5}',
				'--retries',
				'0',
				'-H',
				'Authorization: Bearer sk_live_789',
			],
			{ cwd },
		);
		expect(sent.code).toBe(EXIT_CODES.outcome_unknown);

		const out = await cli(['inspect', 'charge-1'], { cwd });
		const json = await cli(['inspect', 'charge-1', '--json'], { cwd });

		expect(out).toMatchObject({ code: 0, stderr: '' });
		expect(fieldsOf(out.stdout)).toMatchObject({
			request: 'POST /charges',
			url: `${server.url}charges`,
			state: 'unknown',
			key: server.keysSeen()[0],
			attempts: '1 started, 1 concluded',
		});
		expect(`${out.stdout}${json.stdout}`).not.toMatch(/sk_live|authorization/i);
		expect(JSON.parse(json.stdout)).toMatchObject({ operation: 'charge-1', key: server.keysSeen()[0] });
	});

	it('shows what a record holds escaped, and as it is in --json', async () => {
		const cwd = await scratch();
		const operation = 'op\u001b[2J\u202e\nforged  line';
		await seedJournal(cwd, [
			storedRecord(operation, {
				history: [{ at: T0, error: 'kind\u001b]0;title\u0007' }],
				attemptsStarted: 1,
				attemptsFinished: 1,
				state: 'unknown',
			}),
		]);

		const readable = await cli(['inspect', operation], { cwd });
		const json = await cli(['inspect', operation, '--json'], { cwd });

		// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what must not be printed.
		expect(readable.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
		expect(fieldsOf(readable.stdout).operation).toBe('op\\x1b[2J\\u202e\\nforged  line');
		expect(readable.stdout).toMatch(/ {2}kind\\x1b]0;title\\x07 {2}/);
		expect(JSON.parse(json.stdout)).toMatchObject({
			operation,
			timeline: [{ result: 'kind\u001b]0;title\u0007' }],
		});
	});
});
