// The process crash.test.ts kills: a worker with a fixed list of operations and a FileJournal. Each start resumes
// what an earlier run left unfinished (same keys), then runs the whole list by operation id: finished operations
// are answered from the journal, the rest are sent. A run that gets to the end prints every answer as JSON.
import { createClient } from '../../../src/client/create.js';
import { FileJournal } from '../../../src/node.js';

const [directory = '', baseUrl = '', countArg = '0'] = process.argv.slice(2);
const count = Number(countArg);
const CONCURRENCY = 8;

process.send?.('started');
const journal = new FileJournal({ directory });
const api = createClient({
	baseUrl,
	journal,
	scope: 'crash-test',
	retry: { limit: 20, inProgressLimit: 50, baseDelay: 5, maxDelay: 50, inProgressDelay: 5 },
	// A killed run's claims hold off the next run until their leases lapse: short ones keep the restarts quick. The
	// kills are the test's own, not a crash loop: no operation is set aside however often it is cut off.
	leaseMs: 250,
	maxInterruptedAttempts: Number.POSITIVE_INFINITY,
});

const resumed = await api.resumeAll({ concurrency: CONCURRENCY });
const failedToResume = resumed.filter((report) => !report.ok);
if (failedToResume.length > 0) throw new Error(`resume failed: ${JSON.stringify(failedToResume)}`);

const answers: Record<string, { status: number; id: string }> = {};
let next = 0;
await Promise.all(
	Array.from({ length: CONCURRENCY }, async () => {
		while (next < count) {
			const operation = `order-${next++}`;
			const res = await api.post('orders', { json: { operation, item: 'book' }, operation });
			answers[operation] = { status: res.status, id: (res.data as { id: string }).id };
		}
	}),
);
const unfinished = (await api.pending()).length;
await journal.close();
process.stdout.write(JSON.stringify({ answers, unfinished, resumed: resumed.length }));
