import { fork } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleScript } from '../journal/node/bundle.js';
import { tempDir } from '../journal/node/temp-dirs.js';
import { onTheWireServer } from './on-the-wire.js';

const OPERATIONS = 60;

type Answers = Record<string, { id: string; fromJournal: boolean }>;

let script: string;
beforeAll(async () => {
	script = await bundleScript(join(import.meta.dirname, 'lease-worker.ts'));
});

function start(directory: string, url: string) {
	const child = fork(script, [directory, url, String(OPERATIONS)], {
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
});
