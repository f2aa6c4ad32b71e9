import { afterEach, describe, expect, it, vi } from 'vitest';
import { createClient, JournalError } from '../../src/index.js';
import type { Journal } from '../../src/journal/journal.js';
import { newClaimedRecord } from '../../src/journal/lifecycle.js';
import { FileJournal } from '../../src/node.js';
import { StallingJournal } from '../helpers/stalling-journal.js';
import { lockHeldByAnotherProcess } from '../journal/node/support.js';
import { tempDir } from '../journal/node/temp-dirs.js';
import { rejectionOf } from '../operation/support.js';

/*
abandon() and resolve() wait for the journal like any call: the caller's signal and retry.maxRetryTime end the wait,
and what was asked is then not written.
*/

afterEach(() => {
	vi.useRealTimers();
});

/** An operation left `unknown` (say, after a typo'd port): what abandon and resolve settle. */
async function stuck(journal: Journal, operation = 'charge-1'): Promise<void> {
	const claimed = newClaimedRecord({
		scope: 'default',
		operation,
		key: 'k-1',
		fingerprint: 'f',
		method: 'POST',
		path: '/charges',
		now: Date.now(),
		retentionMs: undefined,
		keepMs: 86_400_000,
	});
	await journal.create({ ...claimed, state: 'unknown', attemptsFinished: 1 });
}

const settle = {
	abandon: (api: ReturnType<typeof createClient>, options: object) => api.abandon('charge-1', options),
	resolve: (api: ReturnType<typeof createClient>, options: object) =>
		api.resolve('charge-1', { ...options, status: 201 }),
} as const;

describe.each(['abandon', 'resolve'] as const)('%s() on a journal that does not answer', (action) => {
	it('an abort while the write waits rejects with the abort reason; the journal is asked to stop; nothing is written', async () => {
		const journal = new StallingJournal();
		await stuck(journal);
		const before = await journal.get('default', 'charge-1');
		const hold = journal.hold('compareAndSet');
		const controller = new AbortController();
		const reason = new Error('Ctrl-C');
		const api = createClient({ journal });
		const settled = rejectionOf(settle[action](api, { signal: controller.signal }));
		const options = await hold.reached;
		controller.abort(reason);
		expect(await settled).toBe(reason);
		expect(options?.signal?.aborted).toBe(true);
		expect(await journal.get('default', 'charge-1')).toEqual(before);
	});

	it('retry.maxRetryTime bounds the wait: a JournalError saying it was not answered in time', async () => {
		vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
		const journal = new StallingJournal();
		await stuck(journal);
		const hold = journal.hold('compareAndSet');
		const api = createClient({ journal });
		const settled = rejectionOf(settle[action](api, { retry: { maxRetryTime: 5_000 } }));
		await hold.reached;
		await vi.advanceTimersByTimeAsync(5_000);
		const error = await settled;
		expect(error).toBeInstanceOf(JournalError);
		expect((error as JournalError).message).toMatch(/did not answer within the call's deadline/);
	});

	it('a signal that is not an AbortSignal is refused before the journal is touched', async () => {
		const journal = new StallingJournal();
		await stuck(journal);
		const api = createClient({ journal });
		const error = await rejectionOf(settle[action](api, { signal: 'stop' }));
		expect(error).toMatchObject({ name: 'InvalidRequestError', field: 'signal' });
	});
});

describe('abandon() while another live process holds the FileJournal lock', () => {
	it('the caller signal ends the wait with its reason and the operation stays as it was', async () => {
		const directory = tempDir('idemkey-settle-');
		const seed = new FileJournal({ directory });
		await stuck(seed);
		await seed.close();
		const lock = lockHeldByAnotherProcess(directory);

		const journal = new FileJournal({ directory, staleLockMs: 600_000 });
		const controller = new AbortController();
		const reason = new Error('Ctrl-C');
		const abandoned = rejectionOf(
			createClient({ journal }).abandon('charge-1', { signal: controller.signal }),
		);
		// Let it reach the lock wait, then leave.
		await new Promise((resolve) => setTimeout(resolve, 50));
		controller.abort(reason);
		expect(await abandoned).toBe(reason);
		lock.release();
		expect((await journal.get('default', 'charge-1'))?.state).toBe('unknown');
		await journal.close();
	});
});
