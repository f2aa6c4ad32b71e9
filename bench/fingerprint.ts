// Cost of fingerprinting a request body: `fingerprint()` (canonical JSON + SHA-256) on a small (100 B), a typical
// (1 KB) and a large (64 KB) JSON body, with `canonicalJson()` alone and plain `JSON.stringify()` beside it to show where the time goes.
// Run by run.ts in a child process; prints one JSON line.
import { canonicalJson, fingerprint } from '../dist/journal/index.js';
import { median } from './stats.ts';

export type FingerprintFigures = {
	label: string;
	bytes: number;
	fingerprintMicros: number;
	canonicalMicros: number;
	stringifyMicros: number;
};

/** A booking-like JSON document of about `bytes` bytes: nested objects, arrays, numbers, non-ASCII text. */
function documentOf(bytes: number): unknown {
	// A payment-intent-like body: the smallest of the booking documents below is already about 270 bytes.
	if (bytes <= 128) {
		return { currency: 'EUR', amount: 1250, customer: 'cus_42', confirm: true, metadata: { order: 'Zoë-1' } };
	}
	const items: unknown[] = [];
	const doc = { z_note: 'Réservation – groupe', account: 'acct_42', items };
	for (let i = 0; JSON.stringify(doc).length < bytes; i++) {
		items.push({
			seats: (i % 4) + 1,
			classId: `c${i}`,
			price: { currency: 'EUR', amount: 1250 + i, tax: [{ rate: 0.2, label: 'TVA' }] },
			attendee: { name: `Zoë ${i}`, email: `user${i}@example.com`, tags: ['new', 'promo'] },
			confirmed: i % 2 === 0,
		});
	}
	return doc;
}

// Synchronous functions are timed without an await per call, which would cost more than a 1 KB stringify.
async function repeat(fn: () => unknown, times: number): Promise<void> {
	for (let i = 0; i < times; i++) {
		const value = fn();
		if (value instanceof Promise) await value;
	}
}

/** Median µs per call over batches of about 25 ms each, after a warm-up. */
async function microsPerCall(fn: () => unknown, quick: boolean): Promise<number> {
	let batch = 1;
	for (;;) {
		const started = performance.now();
		await repeat(fn, batch);
		if (performance.now() - started >= 25) break;
		batch *= 2;
	}
	const samples: number[] = [];
	for (let b = 0; b < (quick ? 5 : 21); b++) {
		const started = performance.now();
		await repeat(fn, batch);
		samples.push(((performance.now() - started) * 1000) / batch);
	}
	return median(samples);
}

const quick = process.argv.includes('--quick');
const figures: FingerprintFigures[] = [];
for (const [label, size] of [
	['100 B', 100],
	['1 KB', 1024],
	['64 KB', 64 * 1024],
] as const) {
	const json = documentOf(size);
	figures.push({
		label,
		bytes: Buffer.byteLength(JSON.stringify(json)),
		fingerprintMicros: await microsPerCall(
			() => fingerprint({ method: 'POST', path: '/v1/bookings', json }),
			quick,
		),
		canonicalMicros: await microsPerCall(() => canonicalJson(json), quick),
		stringifyMicros: await microsPerCall(() => JSON.stringify(json), quick),
	});
}
process.stdout.write(`${JSON.stringify(figures)}\n`);
