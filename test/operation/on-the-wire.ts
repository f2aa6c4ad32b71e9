import { setTimeout as sleep } from 'node:timers/promises';
import { type LoopbackServer, sendJson } from '../helpers/loopback-server.js';
import { serve } from './support.js';

/**
An idempotent server that watches every key's requests on the wire: one taking effect per key (a repeat gets the
stored answer), and `overlaps` counts requests that arrived while another of the same key was still being handled,
which is what leases must prevent. Handling takes `workMs`, so that an overlap has room to happen.
*/
export async function onTheWireServer(workMs = 5): Promise<{
	server: LoopbackServer;
	overlaps: () => number;
	/** Effects per operation (named in the body): more than one is a duplicate. */
	effects: Map<string, number>;
	/** Requests per key. */
	sends: Map<string, number>;
}> {
	const active = new Map<string, number>();
	const answers = new Map<string, { id: string }>();
	const effects = new Map<string, number>();
	const sends = new Map<string, number>();
	let overlaps = 0;
	let created = 0;
	const server = await serve(async (req, res) => {
		const key = String(req.headers['idempotency-key']);
		sends.set(key, (sends.get(key) ?? 0) + 1);
		const on = (active.get(key) ?? 0) + 1;
		active.set(key, on);
		if (on > 1) overlaps++;
		try {
			let answer = answers.get(key);
			if (!answer) {
				const { operation } = JSON.parse(req.body.toString()) as { operation: string };
				effects.set(operation, (effects.get(operation) ?? 0) + 1);
				answer = { id: `ord-${++created}` };
				await sleep(workMs);
				answers.set(key, answer);
			}
			sendJson(res, 201, answer);
		} finally {
			active.set(key, (active.get(key) ?? 1) - 1);
		}
	});
	return { server, overlaps: () => overlaps, effects, sends };
}
