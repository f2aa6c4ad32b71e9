import { isFinished, type JournalRecord } from '../journal/record.js';

/** Lost races in a row before a writer gives up: a journal that keeps refusing is broken, not busy. */
export const MAX_CAS_ROUNDS = 5;

/** The journal calls of one write, each bounded and checked by its caller. */
export type CasIo = {
	/** Compare-and-set `next`, built on `from`; `false` when another writer moved the record first. */
	write: (next: JournalRecord, from: JournalRecord) => Promise<boolean>;
	/** The latest record (checked), or `undefined` when it is gone. `lost` is the write that lost the race. */
	reread: (lost: JournalRecord) => Promise<JournalRecord | undefined>;
};

export type CasEnd =
	/** `from` is the record the write was built on. */
	| { type: 'written'; record: JournalRecord; from: JournalRecord }
	/** Another runner finished the operation first: its outcome is this writer's too. */
	| { type: 'finished'; record: JournalRecord }
	| { type: 'gone' }
	| { type: 'contended' };

/**
Writes `transition` on top of the latest record. Every runner of one operation (another client, process, tab or tool
call) holds the same key, so losing a race is harmless: re-read and build on what the other wrote, unless it already
finished the operation.
*/
export async function writeOnLatest(
	from: JournalRecord,
	transition: (from: JournalRecord) => JournalRecord,
	io: CasIo,
): Promise<CasEnd> {
	let current = from;
	for (let round = 0; round < MAX_CAS_ROUNDS; round++) {
		const next = transition(current);
		if (await io.write(next, current)) return { type: 'written', record: next, from: current };
		const latest = await io.reread(next);
		if (!latest) return { type: 'gone' };
		if (isFinished(latest.state)) return { type: 'finished', record: latest };
		current = latest;
	}
	return { type: 'contended' };
}
