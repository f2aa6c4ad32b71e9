// The journal a fleet shares, named by a spec that can cross a process boundary (a command-line argument).
import type { Journal } from '../../../src/journal/journal.js';
import { FileJournal } from '../../../src/node.js';
import type { ClientOptions } from '../../../src/types/options.js';

export type JournalSpec = { readonly kind: 'file'; readonly directory: string };

export type OpenedJournal = {
	readonly journal: Journal;
	/** Client options that go with this journal in the fleet. */
	readonly clientOptions: Partial<ClientOptions>;
	close(): Promise<void>;
};

export async function openJournal(spec: JournalSpec): Promise<OpenedJournal> {
	switch (spec.kind) {
		case 'file': {
			const journal = new FileJournal({ directory: spec.directory });
			return { journal, clientOptions: {}, close: () => journal.close() };
		}
	}
}
