// docs/recipes/queue-worker.md: a worker that books classes from a queue and survives crashes.
import {
	createClient,
	type ExpiredDecision,
	isInProgressError,
	isJournalError,
	isOutcomeUnknownError,
	type JournalRecord,
} from 'idemkey';
import { FileJournal } from 'idemkey/node';

export type Job = { id: string; clientId: string; classId: string };

/** What the worker needs from your queue (at-least-once delivery). */
export type Queue = {
	ack(job: Job): Promise<void>;
	retryLater(job: Job, delayMs: number): Promise<void>;
	deadLetter(job: Job, reason: unknown): Promise<void>;
};

export function createWorker(directory: string, queue: Queue) {
	const journal = new FileJournal({ directory });
	const api = createClient({
		baseUrl: 'https://api.example.com/v1/',
		dialect: 'bardge',
		journal,
		scope: 'booking-worker',
		headers: { authorization: `Bearer ${process.env.API_TOKEN}` },
		onExpired: reconcile,
	});

	// Called by resume()/resumeAll() for an interrupted booking whose key the server has forgotten (Bardge keeps keys
	// 90 s): look the booking up by our own reference, then record it or send it again under a new key.
	async function reconcile(record: JournalRecord): Promise<ExpiredDecision> {
		const ref = record.operation.slice('job:'.length);
		const found = await api.get('bookings', { searchParams: { ref } });
		const [booking] = found.data as { id: string }[];
		return booking ? { action: 'result', status: 201, data: booking } : { action: 'resend' };
	}

	async function handle(job: Job): Promise<void> {
		try {
			await api.post('bookings', {
				json: { classId: job.classId, clientId: job.clientId, ref: job.id },
				operation: `job:${job.id}`, // a redelivered job is the same operation: same key, one booking
			});
			await queue.ack(job);
		} catch (error) {
			if (isOutcomeUnknownError(error) || isInProgressError(error)) {
				// Maybe applied, maybe not: redeliver; the next run resumes under the same key.
				await queue.retryLater(job, error.retryAfterMs ?? 30_000);
			} else if (isJournalError(error)) {
				throw error; // nothing was sent; stop rather than book without a journal
			} else {
				await queue.deadLetter(job, error); // rejected, key reused or key expired: a person decides
			}
		}
	}

	async function start(): Promise<void> {
		// First finish what the last process left in flight, then take new jobs.
		for (const report of await api.resumeAll({ concurrency: 4 })) {
			if (!report.ok) console.error(`could not resume ${report.operation}`, report.error);
		}
		await journal.collectGarbage(Date.now());
	}

	async function stop(): Promise<void> {
		await journal.close(); // waits for pending writes and their fsync
	}

	return { handle, start, stop, api, journal };
}
