import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, OutcomeUnknownError } from 'idemkey';
import { FileJournal } from 'idemkey/node';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { BASE_URL, mockApi } from './mock-api.js';
import { createWorker, type Job, type Queue } from './queue-worker.js';

const serve = mockApi();
const job: Job = { id: 'j1', clientId: 'u42', classId: 'c7' };
let directory = '';
beforeEach(async () => {
	directory = await mkdtemp(join(tmpdir(), 'idemkey-docs-'));
});
afterEach(() => rm(directory, { recursive: true, force: true }));

const queue = () => ({ ack: vi.fn(), retryLater: vi.fn(), deadLetter: vi.fn() }) satisfies Queue;

/** A process that sent the job's booking, lost the answer and died. */
async function crashMidJob() {
	const journal = new FileJournal({ directory });
	const api = createClient({ baseUrl: BASE_URL, dialect: 'bardge', journal, scope: 'booking-worker' });
	await expect(
		api.post('bookings', {
			json: { classId: job.classId, clientId: job.clientId, ref: job.id },
			operation: `job:${job.id}`,
			retry: { limit: 0 },
		}),
	).rejects.toBeInstanceOf(OutcomeUnknownError);
	await journal.close();
}

/** A new worker starts (resuming what the crashed one left), then the queue redelivers the job. */
async function restartAndRedeliver() {
	const q = queue();
	const worker = createWorker(directory, q);
	await worker.start();
	await worker.handle(job);
	await worker.stop();
	return q;
}

it('finishes the crashed job on start-up; the redelivered job then books nothing more', async () => {
	const state = serve({ faults: ['drop-after-commit'] });
	await crashMidJob();
	const q = await restartAndRedeliver();
	expect(q.ack).toHaveBeenCalledWith(job);
	expect(state.effectCount).toBe(1);
	expect(state.duplicates()).toEqual([]);
});

it('after the key expired, finds the booking through onExpired instead of booking again', async () => {
	const state = serve({ faults: ['drop-after-commit'] });
	await crashMidJob();
	vi.useFakeTimers({ toFake: ['Date'] });
	vi.setSystemTime(Date.now() + 10 * 60_000); // Bardge forgets keys after 90 s
	const q = await restartAndRedeliver();
	expect(q.ack).toHaveBeenCalledWith(job);
	expect(state.requestsTo('/v1/bookings', 'POST')).toHaveLength(1);
	expect(state.effectCount).toBe(1);
});
