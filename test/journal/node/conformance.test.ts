import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Journal } from '../../../src/journal/journal.js';
import { FileJournal } from '../../../src/node.js';
import { runJournalConformance } from '../../../src/testing/index.js';
import { tempDir } from './temp-dirs.js';

const api = { describe, it, expect, beforeEach, afterEach };
const close = async (journal: Journal) => {
	for (const part of (journal as { parts?: FileJournal[] }).parts ?? [journal as FileJournal])
		await part.close();
};

runJournalConformance('FileJournal', () => new FileJournal({ directory: tempDir() }), api, {
	dispose: close,
});

runJournalConformance(
	'FileJournal, durable only before sending',
	() => new FileJournal({ directory: tempDir(), durability: 'before-send' }),
	api,
	{ dispose: close },
);

/**
Two FileJournals on one directory stand for two processes: every call goes to one or the other in turn, so each
instance must see, and respect, what the other wrote.
*/
function twoInstances(): Journal & { parts: FileJournal[] } {
	const directory = tempDir();
	const parts = [new FileJournal({ directory }), new FileJournal({ directory })];
	let turn = 0;
	const next = () => parts[turn++ % 2] as FileJournal;
	return {
		parts,
		create: (record) => next().create(record),
		get: (scope, operation) => next().get(scope, operation),
		compareAndSet: (record) => next().compareAndSet(record),
		listUnfinished: (scope) => next().listUnfinished(scope),
		collectGarbage: (now) => next().collectGarbage(now),
	};
}

runJournalConformance('two FileJournals sharing a directory', twoInstances, api, { dispose: close });
