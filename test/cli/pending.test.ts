import { describe, expect, it } from 'vitest';
import { seedJournal, storedRecord, T0 } from './records.js';
import { cli, scratch } from './support.js';

const HISTORY = [
	{ at: T0 + 10, error: 'timeout' },
	{ at: T0 + 700, status: 503, waitedMs: 650 },
];

describe('idemkey pending: leases, interruptions, set-aside and histories', () => {
	it('--json carries each record history, lease, interruptions and set-aside time; older records read as none', async () => {
		const cwd = await scratch();
		const lease = { owner: 'client-7f3a', until: T0 + 30_000, fence: 5 };
		await seedJournal(cwd, [
			storedRecord('stuck', {
				state: 'unknown',
				attemptsStarted: 5,
				attemptsFinished: 5,
				lease,
				interruptions: 5,
				setAsideAt: T0 + 60_000,
				history: HISTORY,
			}),
			storedRecord('old', { state: 'unknown', attemptsStarted: 1, attemptsFinished: 1, createdAt: T0 + 1 }),
		]);

		const out = await cli(['pending', '--json'], { cwd });

		expect(out.code).toBe(0);
		expect(JSON.parse(out.stdout)).toMatchObject([
			{ operation: 'stuck', history: HISTORY, lease, interruptions: 5, setAsideAt: T0 + 60_000 },
			{ operation: 'old', history: [], lease: null, interruptions: 0, setAsideAt: null },
		]);
	});

	it('the table shows which operations were set aside, and says what that means', async () => {
		const cwd = await scratch();
		await seedJournal(cwd, [
			storedRecord('stuck', { state: 'unknown', attemptsStarted: 5, attemptsFinished: 5, setAsideAt: T0 }),
			storedRecord('fine', { state: 'unknown', attemptsStarted: 1, attemptsFinished: 1, createdAt: T0 + 1 }),
		]);

		const out = await cli(['pending'], { cwd });
		const named = await cli(['pending', 'fine'], { cwd });

		expect(out.code).toBe(0);
		expect(out.stdout).toMatch(/^OPERATION +METHOD +PATH +STATE +ATTEMPTS +KEY +AGE +SET-ASIDE$/m);
		expect(out.stdout).toMatch(/^stuck +POST +\/v1\/charges +unknown +5 +key-stuck +\d+d +\d+d ago$/m);
		expect(out.stdout).toMatch(/^fine +POST +\/v1\/charges +unknown +1 +key-fine +\d+d +-$/m);
		expect(out.stderr).toMatch(
			/^idemkey: 1 operation was set aside after repeated interruptions: "resume --all" skips them; "idemkey inspect OP" shows their attempts\.$/m,
		);
		// Nothing set aside among those listed: no column, no note.
		expect(named.stdout).toMatch(/^OPERATION +METHOD +PATH +STATE +ATTEMPTS +KEY +AGE +SETTLED$/m);
		expect(named.stderr).toBe('');
	});
});
