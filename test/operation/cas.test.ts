import { describe, expect, it } from 'vitest';
import { claimed, newRecord, settled } from '../../src/journal/lifecycle.js';
import type { JournalRecord } from '../../src/journal/record.js';
import { MAX_CAS_ROUNDS, writeOnLatest } from '../../src/operation/cas.js';

const base = newRecord({
	scope: 's',
	operation: 'op',
	key: 'k',
	fingerprint: 'f',
	method: 'POST',
	path: 'p',
	now: 1,
	retentionMs: undefined,
	keepMs: 1,
});
// What another writer leaves between our rounds.
const moved = claimed(base, 2);
const finished = settled(moved, 'succeeded', 3);

type Script = { writes: boolean[]; reads: (JournalRecord | undefined)[] };

/** Runs a claim against a journal answering from `script`; returns how it ended and what it was asked. */
async function run(script: Script) {
	const asked: string[] = [];
	const end = await writeOnLatest(base, (from) => claimed(from, 10), {
		write: async (next, from) => {
			asked.push(`write r${next.revision} on r${from.revision}`);
			return script.writes.shift() ?? false;
		},
		reread: async () => {
			asked.push('reread');
			return script.reads.shift();
		},
	});
	return { end, asked };
}

describe('writeOnLatest: a transition written against the latest record', () => {
	it.each([
		{
			name: 'first write wins',
			script: { writes: [true], reads: [] },
			type: 'written',
			asked: ['write r2 on r1'],
		},
		{
			name: 'lost a race: re-read, build on what the other wrote',
			script: { writes: [false, true], reads: [moved] },
			type: 'written',
			asked: ['write r2 on r1', 'reread', 'write r3 on r2'],
		},
		{
			name: 'the other writer finished the operation: stop, its outcome is ours',
			script: { writes: [false], reads: [finished] },
			type: 'finished',
			asked: ['write r2 on r1', 'reread'],
		},
		{
			name: 'the record is gone',
			script: { writes: [false], reads: [undefined] },
			type: 'gone',
			asked: ['write r2 on r1', 'reread'],
		},
		{
			name: `always refused: give up after ${MAX_CAS_ROUNDS} rounds`,
			script: { writes: [], reads: Array.from({ length: MAX_CAS_ROUNDS }, () => moved) },
			type: 'contended',
			asked: Array.from({ length: MAX_CAS_ROUNDS }, (_, i) => [
				i === 0 ? 'write r2 on r1' : 'write r3 on r2',
				'reread',
			]).flat(),
		},
	])('$name', async ({ script, type, asked }) => {
		const result = await run(script as Script);
		expect(result.end.type).toBe(type);
		expect(result.asked).toEqual(asked);
	});

	it('hands back the record written and the one it was built on', async () => {
		const { end } = await run({ writes: [false, true], reads: [moved] });
		expect(end).toEqual({ type: 'written', record: claimed(moved, 10), from: moved });
	});
});
