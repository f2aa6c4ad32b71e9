// One worker of the fleet that fleet.ts starts, kills and restarts: it opens the shared journal, resumes what the
// fleet left unfinished, then runs its whole list of operations (the same list on every start: finished ones are
// answered from the journal). A run that gets to the end prints a WorkerReport as JSON.
import { createClient } from '../../../src/client/create.js';
import { isOutcomeUnknownError } from '../../../src/errors/guards.js';
import { CHAOS_RETRY, CHAOS_TIMEOUT_MS } from '../../../src/testing/chaos/defaults.js';
import { openJournal } from './journals.js';
import { CONCURRENCY, operationsOf, type WorkerReport } from './plan.js';

const [specArg = '', baseUrl = '', indexArg = '', seedArg = ''] = process.argv.slice(2);
// A call that gave up is run again; more than this many times for one operation means something is wrong.
const MAX_RERUNS = 5;

// The test that started this worker is gone (failed, timed out): stop rather than run on unwatched. The listener
// keeps the IPC channel, and so the process, alive: it goes once the report is written.
const orphaned = () => process.exit(2);
process.once('disconnect', orphaned);
const opened = await openJournal(JSON.parse(specArg));
const api = createClient({
	baseUrl,
	journal: opened.journal,
	scope: 'fleet',
	retry: CHAOS_RETRY,
	timeout: CHAOS_TIMEOUT_MS,
	// Which worker (and which of its runs) sent a request: read when an overlap needs explaining.
	headers: { 'x-fleet-worker': `${indexArg}/${process.pid}` },
	...opened.clientOptions,
});
process.send?.('started');

const resumed = await api.resumeAll({ concurrency: CONCURRENCY });
// Given up with the outcome unknown: this run's own list sends it again under its key. Anything else is a failure.
const failed = resumed.filter((report) => !report.ok && !isOutcomeUnknownError(report.error));
if (failed.length > 0) throw new Error(`resume failed: ${JSON.stringify(failed)}`);
const operations = operationsOf(Number(indexArg), Number(seedArg));
const answers: Record<string, string> = {};
let reruns = 0;

async function book(operation: string): Promise<string> {
	for (let run = 0; ; run++) {
		try {
			const res = await api.post('bookings', { json: { classId: 'c1', ref: operation }, operation });
			return (res.data as { id: string }).id;
		} catch (error) {
			if (!isOutcomeUnknownError(error) || run === MAX_RERUNS) throw error;
			reruns++;
		}
	}
}

let next = 0;
await Promise.all(
	Array.from({ length: CONCURRENCY }, async () => {
		for (let i = next++; i < operations.length; i = next++) {
			const operation = operations[i] as string;
			answers[operation] = await book(operation);
		}
	}),
);
await opened.close();
const report: WorkerReport = { answers, resumed: resumed.length, reruns };
process.stdout.write(JSON.stringify(report));
process.off('disconnect', orphaned);
