// One racer of processes.test.ts: opens the shared journal, waits for "go", then for each operation in turn tries to create
// it under its own key and to claim revision 1 -> 2, and prints which of those it won.
import { FileJournal } from '../../../src/node.js';
import { record, SCOPE } from './support.js';

const [directory = '', racer = '', countArg = '0'] = process.argv.slice(2);
const journal = new FileJournal({ directory });
await journal.get(SCOPE, 'warm-up');
process.send?.('ready');
await new Promise((resolve) => process.once('message', resolve));

const won = { created: [] as string[], claimed: [] as string[] };
const count = Number(countArg);
// One operation at a time, each racer starting at a different one, so that the processes interleave.
const first = Number(racer.replace(/\D/g, '')) * 7;
for (let n = 0; n < count; n++) {
	const operation = `op-${(first + n) % count}`;
	const stored = await journal.create(record(operation, { key: `key-of-${racer}` }));
	if (stored.key === `key-of-${racer}`) won.created.push(operation);
	// Everyone claims revision 1 -> 2, whatever revision it saw: only one can find revision 1 still there.
	const claim = {
		...stored,
		state: 'inflight' as const,
		revision: 2,
		attemptsStarted: 1,
		fingerprint: racer,
	};
	if (await journal.compareAndSet(claim)) won.claimed.push(operation);
}
await journal.close();
process.stdout.write(JSON.stringify(won));
process.disconnect?.();
