// Start-up cost of a FileJournal holding many records: one process writes them through the public API and closes
// the journal; a fresh process then opens it (its first call runs the start-up scan) and reports how long that took.
// Usage (by run.ts): `node bench/journal-scan.ts seed DIR COUNT` then `node bench/journal-scan.ts open DIR`.
import { type JournalRecord, RECORD_VERSION } from '../dist/journal/index.js';
import { loadFileJournal } from './clients.ts';

export type ScanFigures = { records: number; seedMs: number; openMs: number; maxRssKb: number };

const [mode = '', directory = '', countArg = '0'] = process.argv.slice(2);
const FileJournal = await loadFileJournal();
if (!FileJournal) throw new Error('this build has no FileJournal');

const SCOPE = 'bench';
const now = Date.now();

/** A finished record like the client leaves behind: key, fingerprint, outcome with a small stored body. */
const recordOf = (i: number): JournalRecord => ({
	v: RECORD_VERSION,
	scope: SCOPE,
	operation: `op-${i}`,
	key: crypto.randomUUID(),
	fingerprint: 'f'.repeat(64),
	method: 'POST',
	path: '/v1/bookings',
	state: i % 10 === 0 ? 'unknown' : 'succeeded',
	revision: 3,
	attemptsStarted: 1,
	attemptsFinished: 1,
	createdAt: now,
	updatedAt: now,
	expiresAt: now + 86_000_000,
	retainUntil: now + 86_400_000,
	outcome: {
		status: 201,
		replayed: false,
		headers: [['content-type', 'application/json']],
		body: `{"id":"b${i}","status":"confirmed"}`,
	},
});

if (mode === 'seed') {
	const count = Number(countArg);
	const journal = new FileJournal({ directory });
	const started = performance.now();
	let next = 0;
	// Many writes in flight, as a busy client has: a journal that commits them in groups is measured as one.
	await Promise.all(
		Array.from({ length: 256 }, async () => {
			while (next < count) await journal.create(recordOf(next++));
		}),
	);
	await journal.close();
	process.stdout.write(`${JSON.stringify({ seedMs: performance.now() - started })}\n`);
} else if (mode === 'open') {
	const started = performance.now();
	const journal = new FileJournal({ directory });
	// Journals open lazily: the first call is the one that scans.
	await journal.get(SCOPE, 'op-0');
	const openMs = performance.now() - started;
	const unfinished = (await journal.listUnfinished(SCOPE)).length;
	await journal.close();
	process.stdout.write(
		`${JSON.stringify({ openMs, unfinished, maxRssKb: process.resourceUsage().maxRSS })}\n`,
	);
} else {
	throw new Error(`unknown mode "${mode}": use seed or open`);
}
