import type { StorageLike } from '../../../src/journal/browser/web-storage.js';
import type { Journal } from '../../../src/journal/journal.js';

/** A Web Storage `Storage` over a Map: string keys and values, keys listed in insertion order like browsers do. */
export class MapStorage implements StorageLike {
	readonly entries = new Map<string, string>();

	get length(): number {
		return this.entries.size;
	}
	key(index: number): string | null {
		return [...this.entries.keys()][index] ?? null;
	}
	getItem(key: string): string | null {
		return this.entries.get(String(key)) ?? null;
	}
	setItem(key: string, value: string): void {
		this.entries.set(String(key), String(value));
	}
	removeItem(key: string): void {
		this.entries.delete(String(key));
	}
	clear(): void {
		this.entries.clear();
	}
}

/** A MapStorage that, like a browser's, refuses a write taking it past `quota` UTF-16 code units of keys and values. */
export class QuotaStorage extends MapStorage {
	constructor(public quota: number) {
		super();
	}
	used(): number {
		let total = 0;
		for (const [key, value] of this.entries) total += key.length + value.length;
		return total;
	}
	override setItem(key: string, value: string): void {
		const previous = this.entries.get(key);
		const after =
			this.used() - (previous === undefined ? 0 : key.length + previous.length) + key.length + value.length;
		if (after > this.quota) {
			throw new DOMException(`Setting the value of '${key}' exceeded the quota.`, 'QuotaExceededError');
		}
		super.setItem(key, value);
	}
}

/**
Two journals over one store, like two tabs of one site: each call goes to one of them in turn, so races in the
conformance suite are raced between the two.
*/
export function twoTabs(a: Journal, b: Journal): Journal {
	let turn = 0;
	const next = () => (turn++ % 2 === 0 ? a : b);
	return {
		create: (record) => next().create(record),
		get: (scope, operation) => next().get(scope, operation),
		compareAndSet: (record) => next().compareAndSet(record),
		listUnfinished: (scope) => next().listUnfinished(scope),
		collectGarbage: (now) => next().collectGarbage(now),
	};
}
