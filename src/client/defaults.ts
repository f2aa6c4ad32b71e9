import { DEFAULT_RETRY, type RetryPolicy } from '../retry/policy.js';

/**
What `createClient` uses for each option left out, in one place: the `@default` of each option in
`src/types/options.ts` and the table in docs/concepts.md ("Defaults and why") say the same, and a test holds them to
it. The dialect (`'ietf'`), the journal (a fresh `MemoryJournal` per client) and `fetch` (`globalThis.fetch`, read on
every call) are defaults too, but not values that can be shared: each is resolved where the client is built.
*/
export const CLIENT_DEFAULTS: {
	readonly scope: string;
	readonly timeout: number;
	readonly retry: Readonly<RetryPolicy>;
	readonly storeBodies: boolean;
	readonly maxStoredBodyBytes: number;
	readonly maxResponseBytes: number;
	readonly keepFinishedMs: number;
	readonly leaseMs: number;
	readonly maxInterruptedAttempts: number;
	readonly journalHeaders: readonly string[];
	readonly tracing: boolean;
} = Object.freeze({
	scope: 'default',
	timeout: 10_000,
	retry: DEFAULT_RETRY,
	storeBodies: true,
	maxStoredBodyBytes: 65_536,
	maxResponseBytes: 16_777_216,
	keepFinishedMs: 86_400_000,
	leaseMs: 30_000,
	maxInterruptedAttempts: 5,
	journalHeaders: Object.freeze([]),
	tracing: true,
});
