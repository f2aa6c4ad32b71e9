import { fork } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/index.js';
import { FileJournal } from '../../src/node.js';
import { sendJson } from '../helpers/loopback-server.js';
import { bundleScript } from '../journal/node/bundle.js';
import { tempDir } from '../journal/node/temp-dirs.js';
import { onTheWireServer } from './on-the-wire.js';
import { serve } from './support.js';

const OPERATIONS = 60;

type Answers = Record<string, { id: string; fromJournal: boolean }>;

let script: string;
beforeAll(async () => {
	script = await bundleScript(join(import.meta.dirname, 'lease-worker.ts'));
});

function start(directory: string, url: string, count = OPERATIONS, leaseMs?: number) {
	const args = [directory, url, String(count), ...(leaseMs === undefined ? [] : [String(leaseMs)])];
	const child = fork(script, args, {
		stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
	});
	let out = '';
	child.stdout?.on('data', (chunk: Buffer) => {
		out += chunk;
	});
	const exited = new Promise<number | string>((resolve) =>
		child.once('exit', (code, signal) => resolve(signal ?? code ?? -1)),
	);
	const ready = new Promise((resolve) => child.once('spawn', resolve));
	return { child, ready, exited, output: () => out };
}

describe('two processes sharing a FileJournal', () => {
	it('run the same operations at once with never two attempts of one on the wire, one request and one effect each', async () => {
		const wire = await onTheWireServer();
		const directory = tempDir('idemkey-lease-processes-');
		const runs = [start(directory, wire.server.url), start(directory, wire.server.url)];
		await Promise.all(runs.map((run) => run.ready));
		for (const run of runs) run.child.send('go');
		const ends = await Promise.all(runs.map((run) => run.exited));
		expect(ends).toEqual([0, 0]);
		const [a, b] = runs.map((run) => JSON.parse(run.output()) as Answers) as [Answers, Answers];

		expect(wire.overlaps()).toBe(0);
		expect(wire.effects.size).toBe(OPERATIONS);
		expect([...wire.effects.values()].every((n) => n === 1)).toBe(true);
		expect(wire.server.received).toHaveLength(OPERATIONS);
		for (let i = 0; i < OPERATIONS; i++) {
			const operation = `order-${i}`;
			expect(a[operation]?.id, operation).toBe(b[operation]?.id);
			// Exactly one of the two sent it; the other waited and answered from the journal.
			expect([a[operation]?.fromJournal, b[operation]?.fromJournal].filter(Boolean), operation).toHaveLength(
				1,
			);
		}
	}, 60_000);

	it("take over a killed process's operation once its lease lapses, under the same key", async () => {
		let hold = true;
		const keys: string[] = [];
		const server = await serve(async (req, res) => {
			keys.push(String(req.headers['idempotency-key']));
			while (hold) await sleep(5);
			sendJson(res, 201, { id: 'b1' });
		});
		const directory = tempDir('idemkey-lease-processes-');
		const run = start(directory, server.url, 1, 300);
		await run.ready;
		run.child.send('go');
		while (keys.length === 0) await sleep(5);
		run.child.kill('SIGKILL');
		expect(await run.exited).toBe('SIGKILL');
		hold = false;

		const journal = new FileJournal({ directory });
		try {
			const api = createClient({ baseUrl: server.url, journal, scope: 'lease-processes' });
			const left = await journal.get('lease-processes', 'order-0');
			expect(left?.state).toBe('inflight');
			const res = await api.post('orders', { json: { operation: 'order-0' }, operation: 'order-0' });
			const sentAt = Date.now();
			expect(res.status).toBe(201);
			expect(keys).toEqual([left?.key, left?.key]);
			// Not before the dead owner's lease ran out.
			expect(sentAt).toBeGreaterThanOrEqual(left?.lease?.until ?? Number.POSITIVE_INFINITY);
			const record = await journal.get('lease-processes', 'order-0');
			expect([record?.state, record?.interruptions, record?.lease?.fence]).toEqual(['succeeded', 1, 2]);
		} finally {
			await journal.close();
		}
	}, 30_000);
});
