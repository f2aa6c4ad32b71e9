// Heap held per finished MemoryJournal record, and what the default count bound holds a long-running process to.
// Each operation goes through the real client (journal writes, request snapshot, stored outcome); only the network is
// left out (a fetch that answers 201 at once), so the figure is the journal's, not a socket's.
// Usage: `npm run build && node --expose-gc bench/memory-journal-heap.ts [operations]`
import { createClient, MemoryJournal } from '../dist/index.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

const operations = Number(process.argv[2] ?? 100_000);

const answer: typeof fetch = async () =>
	new Response(JSON.stringify({ id: `b-${crypto.randomUUID()}`, status: 'confirmed' }), {
		status: 201,
		headers: { 'content-type': 'application/json' },
	});

// fetch's requests release their abort listeners from FinalizationRegistry callbacks, which only run once the event
// loop turns: collect, let them run, collect again, or the figure counts garbage that is merely waiting.
const heapUsed = async () => {
	for (let i = 0; i < 4; i++) {
		gc();
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
	return process.memoryUsage().heapUsed;
};

async function run(journal: MemoryJournal, count: number): Promise<number> {
	const api = createClient({ baseUrl: 'https://api.example.test/v1/', journal, fetch: answer });
	const before = await heapUsed();
	for (let i = 0; i < count; i++) {
		await api.post('bookings', {
			json: { classId: `c${i % 50}`, clientId: `u${i}`, seats: 1 },
			operation: `book:u${i}`,
		});
	}
	return (await heapUsed()) - before;
}

const unbounded = new MemoryJournal({ maxFinishedRecords: Number.POSITIVE_INFINITY });
const unboundedBytes = await run(unbounded, operations);
const bounded = new MemoryJournal();
const boundedBytes = await run(bounded, operations);

const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`;
console.log(
	JSON.stringify(
		{
			operations,
			unbounded: {
				records: unbounded.size,
				heap: mb(unboundedBytes),
				bytesPerRecord: Math.round(unboundedBytes / unbounded.size),
			},
			defaultBound: { records: bounded.size, heap: mb(boundedBytes) },
		},
		null,
		2,
	),
);
// Keep both journals reachable until measured.
if (unbounded.size + bounded.size < 0) console.log('unreachable');
