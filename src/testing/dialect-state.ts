/**
A response as a mock server stores it per Idempotency-Key and replays it: status, headers and body text.
*/
export type StoredResponse = {
	readonly status: number;
	readonly headers: readonly (readonly [string, string])[];
	/** Body text; empty for a body-less answer. */
	readonly body: string;
};

/**
A fault scripted for one request, consumed in arrival order (one per request, whatever its endpoint):

- `'pass'`: no fault; the request is handled normally (use it to let a request through before a later fault).
- `'drop-before'`: a network error; the server never saw the request (no effect, nothing stored).
- `'drop-after-commit'`: the request is processed (effect applied, answer stored under its key) and then the
  connection drops: the client gets a network error.
- `'503-before'`: 503 before processing (no effect, nothing stored).
- `'503-after'`: processed and stored, then a gateway answers 503 instead of the stored answer.
- `'500'`: processing itself fails with 500 and no effect; a server that caches errors (Stripe) stores that 500
  under the key and replays it on every retry.
- `'429'`: rate limited (`Retry-After: 0`), before processing.
- `'in-progress'`: the dialect's "a request with this key is still being processed" answer, before processing.
  Only for dialects that have one (ietf, stripe, 42min); the others block concurrent duplicates instead.
- a {@link ScriptedAnswer}: exactly that answer, before processing (for statuses no dialect sends by itself).
*/
export type Fault =
	| 'pass'
	| 'drop-before'
	| 'drop-after-commit'
	| '503-before'
	| '503-after'
	| '500'
	| '429'
	| 'in-progress'
	| ScriptedAnswer;

/** A literal answer for a scripted fault. A non-string `body` is sent as JSON. */
export type ScriptedAnswer = {
	readonly status: number;
	readonly body?: unknown;
	readonly headers?: Readonly<Record<string, string>>;
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
	/** The fault applied to this request, `'pass'` when none. */
	readonly fault: Fault;
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
	/** Faults for the coming requests, consumed in order; more can be pushed to `state.faults` at any time. */
	faults?: readonly Fault[];
	/**
	The server's clock in epoch ms, used for key retention.
	@default () => Date.now() (read on every call, so fake timers apply)
	*/
	now?: () => number;
	/** Bookings that exist before the first request. */
	bookings?: readonly Booking[];
};

/**
Everything a mock dialect server knows: bookings, remembered keys, effects applied, requests received and faults still to come. Create one per test and read it in assertions.
*/
export class DialectState {
	/** Every request received, in order (including ones answered by a fault). */
	readonly requests: SeenRequest[] = [];
	/**
	Effects applied (a booking created, cancelled, changed or deleted), counted per Idempotency-Key; requests that
	carried no key (or that the server does not key) count under `"METHOD /path"`.
	*/
	readonly effects = new Map<string, number>();
	readonly bookings = new Map<string, Booking>();
	/** Remembered keys, per storage id (`scope` + key); see {@link DialectState.entry}. */
	readonly keys = new Map<string, KeyEntry>();
	/** Faults still to come, consumed from the front one per request. */
	readonly faults: Fault[];
	/** The server clock (epoch ms). Replace it to move time, e.g. past the dialect's retention. */
	now: () => number;
	#nextId = 1;

	constructor(options: DialectStateOptions = {}) {
		this.faults = [...(options.faults ?? [])];
		this.now = options.now ?? (() => Date.now());
		for (const booking of options.bookings ?? []) this.bookings.set(booking.id, booking);
	}

	/** Total effects applied across all keys. */
	get effectCount(): number {
		let total = 0;
		for (const count of this.effects.values()) total += count;
		return total;
	}

	/** Effect ids (keys, or `"METHOD /path"`) applied more than once: `[id, count]` pairs. Empty when all is well. */
	duplicates(): [string, number][] {
		return [...this.effects].filter(([, count]) => count > 1);
	}

	/** Requests received for a path (exact match on path and query) and, optionally, method. */
	requestsTo(path: string, method?: string): SeenRequest[] {
		return this.requests.filter((r) => r.path === path && (method === undefined || r.method === method));
	}

	/** @internal The next scripted fault, `'pass'` when none is left. */
	takeFault(): Fault {
		return this.faults.shift() ?? 'pass';
	}

	/** @internal */
	recordEffect(id: string): void {
		this.effects.set(id, (this.effects.get(id) ?? 0) + 1);
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
