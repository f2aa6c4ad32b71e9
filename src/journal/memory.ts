import type { Journal } from './journal.js';
import { isCollectable, isFinished, type JournalRecord, recordId } from './record.js';

/**
In-process journal. Keys survive retries within the process, not a crash: use `FileJournal` or a server-backed journal where that matters.
*/
export class MemoryJournal implements Journal {
	// Records are frozen on write so a caller holding one can never change what the journal holds.
	readonly #records = new Map<string, Readonly<JournalRecord>>();

	async create(record: JournalRecord): Promise<JournalRecord> {
		const id = recordId(record.scope, record.operation);
		const existing = this.#records.get(id);
		if (existing) return existing;
		const stored = Object.freeze({ ...record });
		this.#records.set(id, stored);
		return stored;
	}

	async get(scope: string, operation: string): Promise<JournalRecord | undefined> {
		return this.#records.get(recordId(scope, operation));
	}

	async compareAndSet(next: JournalRecord): Promise<boolean> {
		const id = recordId(next.scope, next.operation);
		const current = this.#records.get(id);
		if (!current || current.revision !== next.revision - 1) return false;
		this.#records.set(id, Object.freeze({ ...next }));
		return true;
	}

	async listUnfinished(scope: string): Promise<JournalRecord[]> {
		const out: JournalRecord[] = [];
		for (const record of this.#records.values()) {
			if (record.scope === scope && !isFinished(record.state)) out.push(record);
		}
		return out.sort((a, b) => a.createdAt - b.createdAt);
	}

	async collectGarbage(now: number): Promise<number> {
		let removed = 0;
		for (const [id, record] of this.#records) {
			if (isCollectable(record, now)) {
				this.#records.delete(id);
				removed++;
			}
		}
		return removed;
	}

	/** Number of records held (for tests and metrics). */
	get size(): number {
		return this.#records.size;
	}
}
