import { seededFaults } from './faults/seeded.js';
import type { Fault, FaultRates, RequestFaults } from './faults/types.js';
import { type Overlap, ProcessingLog } from './server/overlaps.js';

export type { DelayRate, Fault, FaultRates, ScriptedAnswer } from './faults/types.js';
export type { Overlap } from './server/overlaps.js';

/**
A response as a mock server stores it per Idempotency-Key and replays it: status, headers and body text.
*/
export type StoredResponse = {
	readonly status: number;
	readonly headers: readonly (readonly [string, string])[];
	/** Body text; empty for a body-less answer. */
	readonly body: string;
};

/** One request as the mock server received it, in arrival order. */
export type SeenRequest = {
	readonly method: string;
	/** URL path (with query), e.g. `/v1/bookings/b1/cancel`. */
	readonly path: string;
	/** Value of the dialect's key header, `null` when the request carried none. */
	readonly key: string | null;
	/** Body text as received (empty when none). */
	readonly body: string;
	readonly headers: Headers;
	/** The answer-changing fault applied to this request, `'pass'` when none. */
	readonly fault: Fault;
	/** Delay before handling (a latency fault), in ms; 0 when none. */
	readonly latencyMs: number;
	/** Extra processing time while the key was held (a hold fault), in ms; 0 when none. */
	readonly holdMs: number;
};

/** A booking of the emulated booking API. */
export type Booking = {
	readonly id: string;
	readonly status: 'confirmed' | 'cancelled';
	readonly [field: string]: unknown;
};

/** A key the server remembers: the request fingerprint and, once processing finished, the stored answer. */
export type KeyEntry = {
	readonly fingerprint: string;
	readonly createdAt: number;
	/** Set once the first request finished with an answer the dialect stores. */
	response: StoredResponse | undefined;
	/** Settles when the first request finishes: with its answer, or `undefined` when nothing was stored. */
	readonly settled: Promise<StoredResponse | undefined>;
	/** @internal */
	readonly settle: (response: StoredResponse | undefined) => void;
};

export type DialectStateOptions = {
	/**
	Faults for the coming requests: a list consumed in arrival order (more can be pushed to `state.faults` at any
	time), or rates to draw each request's faults from a generator seeded with `seed`.
	@default [] (no faults)
	*/
	faults?: readonly Fault[] | FaultRates;
	/**
	Seed of the fault generator when `faults` gives rates: the same seed gives the same faults in the same arrival order.
	@default 1
	*/
	seed?: number;
	/**
	The server's clock in epoch ms, used for key retention.
	@default () => Date.now() (read on every call, so fake timers apply)
	*/
	now?: () => number;
	/**
	Bookings that exist before the first request (to change or cancel them).
	@default [] (none)
	*/
	bookings?: readonly Booking[];
};

const NO_DELAY = { latencyMs: 0, holdMs: 0 } as const;

/**
Everything a mock dialect server knows: bookings, remembered keys, effects applied, requests received and faults
still to come. Create one per test and read it in assertions.
*/
export class DialectState {
	/** Every request received, in order (including ones answered by a fault). */
	readonly requests: SeenRequest[] = [];
	/**
	Effects applied (a booking created, cancelled, changed or deleted), counted per Idempotency-Key; requests that
	carried no key (or that the server does not key) count under `"METHOD /path"`.
	*/
	readonly effects = new Map<string, number>();
	/**
	Effects applied, counted per logical request: the JSON body's string `ref` field when it has one (your own
	reference for the logical request, so a client that resent it under a new key is still caught), else as in
	{@link DialectState.effects}. For key-less endpoints `"METHOD /path"` is the business rule: cancelling one
	booking is one effect.
	*/
	readonly logicalEffects = new Map<string, number>();
	readonly bookings = new Map<string, Booking>();
	/** Remembered keys, per storage id (`scope` + key), until the dialect's retention has passed. */
	readonly keys = new Map<string, KeyEntry>();
	/** Scripted faults still to come, consumed from the front one per request (before any drawn from rates). */
	readonly faults: Fault[];
	/** @internal Which requests are being processed, per operation (see {@link DialectState.overlaps}). */
	readonly processing = new ProcessingLog();
	/** The server clock (epoch ms). Replace it to move time, e.g. past the dialect's retention. */
	now: () => number;
	readonly #draw: (() => RequestFaults) | undefined;
	#nextId = 1;

	constructor(options: DialectStateOptions = {}) {
		const { faults } = options;
		this.faults = Array.isArray(faults) ? [...(faults as readonly Fault[])] : [];
		this.#draw =
			faults !== undefined && !Array.isArray(faults)
				? seededFaults(faults as FaultRates, options.seed ?? 1)
				: undefined;
		this.now = options.now ?? (() => Date.now());
		for (const booking of options.bookings ?? []) this.bookings.set(booking.id, booking);
	}

	/** Total effects applied across all keys. */
	get effectCount(): number {
		let total = 0;
		for (const count of this.effects.values()) total += count;
		return total;
	}

	/**
	Logical requests applied more than once (see {@link DialectState.logicalEffects}): `[id, count]` pairs. Empty when
	all is well.
	*/
	duplicates(): [string, number][] {
		return [...this.logicalEffects].filter(([, count]) => count > 1);
	}

	/**
	Pairs of requests of one operation (the body's `ref`, else the key, else `"METHOD /path"`) that this server was
	processing at the same time: the later one arrived before the earlier one's answer left (or its connection was
	dropped). Reads (GET, HEAD) are not counted. A client that keeps at most one attempt of an operation on the wire
	leaves it empty; an answer that never reached the client (its attempt timed out, its process died) still counts
	until the server is done with it. Kept for this server's life, not in its state file.
	*/
	overlaps(): Overlap[] {
		return this.processing.overlaps();
	}

	/** Requests received for a path (exact match on path and query) and, optionally, method. */
	requestsTo(path: string, method?: string): SeenRequest[] {
		return this.requests.filter((r) => r.path === path && (method === undefined || r.method === method));
	}

	/**
	@internal The faults of the next request: the next scripted one, else one drawn from the rates, else none.
	A drawn `'in-progress'` becomes `'pass'` on a server that has no in-progress answer.
	*/
	nextFaults(hasInProgressAnswer: boolean): RequestFaults {
		const scripted = this.faults.shift();
		if (scripted !== undefined) {
			if (typeof scripted === 'object' && 'latencyMs' in scripted) {
				return { fault: 'pass', latencyMs: scripted.latencyMs, holdMs: 0 };
			}
			if (typeof scripted === 'object' && 'holdMs' in scripted) {
				return { fault: 'pass', latencyMs: 0, holdMs: scripted.holdMs };
			}
			return { fault: scripted, ...NO_DELAY };
		}
		const drawn = this.#draw?.() ?? { fault: 'pass', ...NO_DELAY };
		return drawn.fault === 'in-progress' && !hasInProgressAnswer ? { ...drawn, fault: 'pass' } : drawn;
	}

	/** @internal */
	recordEffect(id: string, logical: string): void {
		this.effects.set(id, (this.effects.get(id) ?? 0) + 1);
		this.logicalEffects.set(logical, (this.logicalEffects.get(logical) ?? 0) + 1);
	}

	/** @internal The number of the next booking id (saved with the state, so a restarted server never reuses an id). */
	get nextBookingNumber(): number {
		return this.#nextId;
	}

	set nextBookingNumber(n: number) {
		this.#nextId = n;
	}

	/** @internal A fresh booking id: `b1`, `b2`, ... skipping seeded ids. */
	newBookingId(): string {
		let id: string;
		do id = `b${this.#nextId++}`;
		while (this.bookings.has(id));
		return id;
	}

	/** @internal The remembered entry for a storage id, forgetting it once `retentionMs` has passed. */
	entry(id: string, retentionMs: number): KeyEntry | undefined {
		const found = this.keys.get(id);
		if (found && this.now() >= found.createdAt + retentionMs) {
			this.keys.delete(id);
			return undefined;
		}
		return found;
	}

	/** @internal Remembers a key whose first request finished earlier, with the answer stored then (a restored state). */
	remember(id: string, fingerprint: string, createdAt: number, response: StoredResponse): void {
		const settled = Promise.resolve(response);
		this.keys.set(id, { fingerprint, createdAt, response, settled, settle: () => {} });
	}

	/** @internal Remembers a key whose first request is now being processed. */
	claim(id: string, fingerprint: string): KeyEntry {
		let settle: (response: StoredResponse | undefined) => void = () => {};
		const settled = new Promise<StoredResponse | undefined>((resolve) => {
			settle = resolve;
		});
		const entry: KeyEntry = { fingerprint, createdAt: this.now(), response: undefined, settled, settle };
		this.keys.set(id, entry);
		return entry;
	}
}
