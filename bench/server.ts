// The API the benchmark calls, in its own process so that it never competes with the client for the event loop.
// It answers every POST like an idempotent API: 201 with a small JSON body, stored per Idempotency-Key and replayed
// (same body, `Idempotent-Replayed: true`) when a key comes back. Started by run.ts with fork(): it reports its
// port over IPC and its CPU time on request, and exits with its parent.
import { createServer } from 'node:http';

// Enough for every key of a default run; past it the oldest half is dropped so memory stays flat.
const MAX_STORED = 200_000;
const stored = new Map<string, string>();
let created = 0;

const server = createServer((req, res) => {
	req.resume();
	req.on('end', () => {
		if (req.method !== 'POST') {
			res.writeHead(405).end();
			return;
		}
		const key = req.headers['idempotency-key'];
		const earlier = typeof key === 'string' ? stored.get(key) : undefined;
		if (earlier !== undefined) {
			res.writeHead(201, { 'content-type': 'application/json', 'idempotent-replayed': 'true' }).end(earlier);
			return;
		}
		const body = `{"id":"b${++created}","status":"confirmed"}`;
		if (typeof key === 'string') {
			if (stored.size >= MAX_STORED) {
				let drop = MAX_STORED / 2;
				for (const old of stored.keys()) {
					stored.delete(old);
					if (--drop === 0) break;
				}
			}
			stored.set(key, body);
		}
		res.writeHead(201, { 'content-type': 'application/json', 'idempotent-replayed': 'false' }).end(body);
	});
});
// Clients keep connections alive across a whole measurement; never let the server be the one to drop them.
server.keepAliveTimeout = 120_000;
server.headersTimeout = 130_000;

server.listen(0, '127.0.0.1', () => {
	const address = server.address();
	if (address === null || typeof address === 'string') throw new Error('no TCP address');
	process.send?.({ type: 'listening', port: address.port });
});

process.on('message', (message: { type: string }) => {
	if (message.type === 'cpu') process.send?.({ type: 'cpu', usage: process.cpuUsage() });
});
process.on('disconnect', () => process.exit(0));
