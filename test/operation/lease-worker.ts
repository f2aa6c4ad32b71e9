// One of the processes lease-processes.test.ts starts on a shared FileJournal: it runs the whole list of operations
// (the other process runs the same list at the same time) and prints each answer, and whether it came from the journal.
import { createClient } from '../../src/client/create.js';
import { FileJournal } from '../../src/node.js';

const [directory = '', baseUrl = '', countArg = '0', leaseArg] = process.argv.slice(2);
const count = Number(countArg);
const CONCURRENCY = 8;

const journal = new FileJournal({ directory });
const api = createClient({
	baseUrl,
	journal,
	scope: 'lease-processes',
	retry: { baseDelay: 5, maxDelay: 50 },
	...(leaseArg ? { leaseMs: Number(leaseArg) } : {}),
});
// Both processes start together once told to, so that their runs overlap.
await new Promise((resolve) => process.once('message', resolve));
const answers: Record<string, { id: string; fromJournal: boolean }> = {};
let next = 0;
await Promise.all(
	Array.from({ length: CONCURRENCY }, async () => {
		while (next < count) {
			const operation = `order-${next++}`;
			const res = await api.post('orders', { json: { operation }, operation });
			answers[operation] = { id: (res.data as { id: string }).id, fromJournal: res.fromJournal };
		}
	}),
);
await journal.close();
process.stdout.write(JSON.stringify(answers));
