import type { Journal } from '../../journal/journal.js';

/**
The few assertions the suite needs. `expect` from vitest, jest and bun:test fits as is; for `node:test` pass
`(actual) => ({ toBe: (e) => assert.strictEqual(actual, e), toEqual: (e) => assert.deepStrictEqual(actual, e) })`.
*/
export type ConformanceAssertion = {
	/** `Object.is` equality. */
	toBe(expected: unknown): void;
	/** Deep (structural) equality. */
	toEqual(expected: unknown): void;
};

export type ConformanceTestApi = {
	describe: (name: string, body: () => void) => unknown;
	it: (name: string, body: () => Promise<void>) => unknown;
	expect: (actual: unknown, message?: string) => ConformanceAssertion;
	/** Accepted so a test framework's globals can be passed as they are; the suite does not need it. */
	beforeEach?: ((fn: () => unknown) => unknown) | undefined;
	/** When given (with `dispose`), journals are disposed of here; otherwise at the end of each test. */
	afterEach?: ((fn: () => unknown) => unknown) | undefined;
};

export type ConformanceOptions = {
	/**
	Concurrent `create` calls of one operation in the race test.
	@default 50
	*/
	raceSize?: number;
	/** Releases a journal made by `makeJournal` (close a connection, delete a temporary file). */
	dispose?: (journal: Journal) => unknown;
	/**
	Prefix of the scopes the suite writes; every test uses a fresh scope under it, so a shared database works. `collectGarbage` is journal-wide, though: the garbage-collection tests delete every finished record past its retention.
	@default 'idemkey-conformance'
	*/
	scopePrefix?: string;
};
