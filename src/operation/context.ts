import type { Dialect } from '../dialects/types.js';
import type { Journal } from '../journal/journal.js';
import type { RetryPolicy } from '../retry/policy.js';
import type { IdemEvent } from '../types/events.js';
import type { ClientOptions } from '../types/options.js';
import type { IdemResult } from '../types/result.js';
import type { SingleFlight } from './single-flight.js';

/** What every event and error of one operation names. */
export type Subject = {
	readonly key: string | undefined;
	readonly operation: string;
	readonly method: string;
	readonly url: string;
};

/** Everything a call needs from its client, resolved once at `createClient`. */
export type ClientContext = {
	/** The client's `fetch` (its `fetch` option, else `globalThis.fetch`), looked up as each request leaves. */
	readonly fetch: (url: string, init: RequestInit) => Promise<Response>;
	/** The client's `searchParams`, appended to each request's URL as it leaves (see utils/query). */
	readonly searchParams: readonly (readonly [string, string])[];
	/** Runs before each attempt leaves: per-attempt headers (see `ClientOptions.beforeAttempt`). */
	readonly beforeAttempt: ClientOptions['beforeAttempt'];
	readonly dialect: Dialect;
	readonly journal: Journal;
	readonly scope: string;
	readonly policy: RetryPolicy;
	readonly timeout: number;
	/** Normalised (see client/base-url): every call stays on its origin. */
	readonly baseUrl: URL | undefined;
	/** The client's headers, checked (merged) once at `createClient`: each call copies them, never checks them again. */
	readonly headers: Headers;
	/** Request headers journaled beside the built-in allow-list (lower-case, never credentials). */
	readonly journalHeaders: ReadonlySet<string>;
	readonly storeBodies: boolean;
	readonly maxStoredBodyBytes: number;
	/** A response body past this many bytes is not read: the answer counts with no body. */
	readonly maxResponseBytes: number;
	readonly keepFinishedMs: number;
	/** Spans for each call when the application registered an OpenTelemetry tracer provider (`tracing` option). */
	readonly tracing: boolean;
	/** This client's id on the leases it takes: random (CSPRNG), one per client object. */
	readonly owner: string;
	readonly leaseMs: number;
	readonly maxInterruptedAttempts: number;
	readonly flights: SingleFlight<IdemResult>;
	readonly emit: (event: IdemEvent) => void;
	readonly now: () => number;
	readonly random: () => number;
};
