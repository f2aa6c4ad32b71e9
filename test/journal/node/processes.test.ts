import { fork } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FileJournal } from '../../../src/node.js';
import { bundleScript } from './bundle.js';
import { SCOPE } from './support.js';
import { tempDir } from './temp-dirs.js';

type Won = { created: string[]; claimed: string[] };

let script: string;
beforeAll(async () => {
	script = await bundleScript(join(import.meta.dirname, 'race-child.ts'));
});

/** Starts `racers` processes on `directory`, lets them all go at once, and collects what each won. */
async function race(directory: string, racers: number, operations: number): Promise<Won[]> {
	const children = Array.from({ length: racers }, (_, i) =>
		fork(script, [directory, `racer-${i}`, String(operations)], {
			stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
		}),
	);
	const outputs = children.map((child) => {
		let out = '';
		child.stdout?.on('data', (chunk: Buffer) => {
			out += chunk;
		});
		return new Promise<Won>((resolve, reject) =>
			child.once('exit', (code) =>
				code === 0 ? resolve(JSON.parse(out) as Won) : reject(new Error(`a racer exited with ${code}`)),
			),
		);
	});
	await Promise.all(children.map((child) => new Promise((resolve) => child.once('message', resolve))));
	for (const child of children) child.send('go');
	return Promise.all(outputs);
}

describe('processes sharing a journal directory', () => {
	it('racing create and compareAndSet on the same operations: exactly one winner of each', async () => {
		const directory = tempDir();
		const operations = 40;
		const results = await race(directory, 4, operations);

		const all = Array.from({ length: operations }, (_, i) => `op-${i}`);
		const creators = results.flatMap((r) => r.created);
		const claimers = results.flatMap((r) => r.claimed);
		expect(creators.toSorted()).toEqual(all.toSorted());
		expect(claimers.toSorted()).toEqual(all.toSorted());
		// Each racer won some: the races were real, not run one process after the other.
		expect(results.filter((r) => r.created.length > 0).length).toBeGreaterThan(1);

		// The journal holds what the winners wrote: the creator's key, the claimer's claim, nothing else.
		const journal = new FileJournal({ directory });
		try {
			for (const [i, result] of results.entries()) {
				for (const operation of result.created) {
					expect((await journal.get(SCOPE, operation))?.key).toBe(`key-of-racer-${i}`);
				}
				for (const operation of result.claimed) {
					const stored = await journal.get(SCOPE, operation);
					expect(stored).toMatchObject({ state: 'inflight', revision: 2, fingerprint: `racer-${i}` });
				}
			}
		} finally {
			await journal.close();
		}
	}, 60_000);
});
