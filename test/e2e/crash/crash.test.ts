import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoopbackServer, sendJson, startServer } from '../../helpers/loopback-server.js';
import { bundleScript } from '../../journal/node/bundle.js';
import { tempDir } from '../../journal/node/temp-dirs.js';

const OPERATIONS = 150;
const KILLS = 20;

/**
An IETF-style server: the first request with a key applies the effect and stores the answer, a repeat of the key
gets the stored answer, and a repeat while the first is still being processed gets 409. It counts effects per
operation (named in the body), so an operation sent under two keys shows up as two effects.
*/
function idempotentServer() {
	const answers = new Map<string, { id: string }>();
	const processing = new Set<string>();
	const effects = new Map<string, string[]>();
	const sends = new Map<string, number>();
	let created = 0;
	const server = startServer(async (req, res) => {
		const key = req.headers['idempotency-key'];
		if (typeof key !== 'string') return sendJson(res, 400, { type: 'about:blank', title: 'key missing' });
		sends.set(key, (sends.get(key) ?? 0) + 1);
		const stored = answers.get(key);
		if (stored) return sendJson(res, 201, stored);
		if (processing.has(key)) return sendJson(res, 409, { type: 'about:blank', title: 'in progress' });
		processing.add(key);
		const { operation } = JSON.parse(req.body.toString()) as { operation: string };
		effects.set(operation, [...(effects.get(operation) ?? []), key]);
		const answer = { id: `ord-${++created}` };
		// Work takes a while, so that kills land between the effect and the answer too.
		await sleep(Math.random() * 10);
		answers.set(key, answer);
		processing.delete(key);
		sendJson(res, 201, answer);
	});
	return { server, answers, effects, sends };
}

let script: string;
let api: ReturnType<typeof idempotentServer>;
let server: LoopbackServer;
beforeAll(async () => {
	script = await bundleScript(join(import.meta.dirname, 'worker.ts'));
	api = idempotentServer();
	server = await api.server;
});
afterAll(() => server?.close());

type Report = {
	answers: Record<string, { status: number; id: string }>;
	unfinished: number;
	resumed: number;
};

function start(directory: string): {
	child: ChildProcess;
	exited: Promise<number | string>;
	output: () => string;
} {
	const child = fork(script, [directory, server.url, String(OPERATIONS)], {
		stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
	});
	let out = '';
	child.stdout?.on('data', (chunk: Buffer) => {
		out += chunk;
	});
	const exited = new Promise<number | string>((resolve) =>
		child.once('exit', (code, signal) => resolve(signal ?? code ?? -1)),
	);
	return { child, exited, output: () => out };
}

describe('a worker killed with SIGKILL at random moments', () => {
	it(`and restarted ${KILLS} times ends with exactly one effect per operation, none lost`, async () => {
		const directory = tempDir('idemkey-crash-');
		let killed = 0;
		let killedMidRun = 0;
		while (killed < KILLS) {
			const run = start(directory);
			let ended = false;
			void run.exited.then(() => {
				ended = true;
			});
			await Promise.race([new Promise((resolve) => run.child.once('message', resolve)), run.exited]);
			// A random moment measured in the worker's progress, not in time, whatever the machine's speed: after
			// 0 to 10 more requests reach the server (0: while starting up or resuming), plus up to 5 ms.
			const target = server.received.length + Math.floor(Math.random() * 11);
			while (!ended && server.received.length < target) await sleep(1);
			await sleep(Math.random() * 5);
			const before = api.effects.size;
			run.child.kill('SIGKILL');
			const end = await run.exited;
			if (end === 'SIGKILL') {
				killed++;
				if (before < OPERATIONS) killedMidRun++;
			} else expect(end, `a run ended on its own: ${run.output()}`).toBe(0);
		}

		const last = start(directory);
		expect(await last.exited).toBe(0);
		const report = JSON.parse(last.output()) as Report;

		// Every operation took effect exactly once, under one key, and the worker got the server's answer for it.
		const operations = Array.from({ length: OPERATIONS }, (_, i) => `order-${i}`);
		expect([...api.effects.keys()].toSorted()).toEqual(operations.toSorted());
		const duplicated = [...api.effects].filter(([, keys]) => keys.length !== 1);
		expect(duplicated).toEqual([]);
		for (const operation of operations) {
			const [key] = api.effects.get(operation) as string[];
			expect(report.answers[operation]).toEqual({ status: 201, ...api.answers.get(key as string) });
		}
		expect(report.unfinished).toBe(0);

		// The kills were real crashes: most hit a run with work left, and some cut an operation off after its
		// request had left, so that a later run had to send it again under the same key.
		expect(killedMidRun).toBeGreaterThanOrEqual(KILLS / 2);
		expect([...api.sends.values()].some((sent) => sent > 1)).toBe(true);
	}, 60_000);
});
