import type { Journal } from './journal.js';
import { isCollectable, isFinished, type JournalRecord, recordId } from './record.js';

// Records are plain JSON data. A deep copy, frozen all the way down: a caller holding the record it wrote (or one it
// was handed) can change neither the journal's copy nor, through a nested array, anyone else's.
// Lifecycle steps spread the previous record, so most nested parts (request, outcome) are ones this journal froze
// before: those are reused instead of copied on every write.
const deepFrozen = new WeakSet<object>();

function frozenCopy<T>(value: T): T {
	if (typeof value !== 'object' || value === null || deepFrozen.has(value)) return value;
	let out: object;
	if (Array.isArray(value)) out = Object.freeze(value.map(frozenCopy));
	else {
		const copy: Record<string, unknown> = {};
		for (const k of Object.keys(value)) {
			const v = (value as Record<string, unknown>)[k];
			if (v !== undefined) copy[k] = frozenCopy(v);
		}
		out = Object.freeze(copy);
	}
	deepFrozen.add(out);
	return out as T;
}

/**
In-process journal. Keys survive retries within the process, not a crash: use `FileJournal` or a server-backed journal where that matters.
*/
export class MemoryJournal implements Journal {
	readonly #records = new Map<string, Readonly<JournalRecord>>();

	async create(record: JournalRecord): Promise<JournalRecord> {
		const id = recordId(record.scope, record.operation);
		const existing = this.#records.get(id);
		if (existing) return existing;
		const stored = frozenCopy(record);
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
		this.#records.set(id, frozenCopy(next));
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
