import { v4, v5, v7 } from 'uuid';

/** A fresh random key (UUID v4 from the platform CSPRNG). */
export const mintKey = (): string => v4();

// uuid draws 16 fresh bytes from the CSPRNG for every v7 id, a synchronous call that showed up as ~5% of client
// CPU under load. Drawing them from a pool refilled 4 KiB at a time keeps the same source at a fraction of the
// cost; the (ms, counter) state below keeps ids minted in one millisecond in creation order, as uuid does.
const POOL_BYTES = 4096;
let pool = new Uint8Array(0);
let offset = 0;
const random16 = (): Uint8Array => {
	if (offset + 16 > pool.length) {
		pool = crypto.getRandomValues(new Uint8Array(POOL_BYTES));
		offset = 0;
	}
	offset += 16;
	return pool.subarray(offset - 16, offset);
};
let lastMs = -1;
let counter = 0;

/** A time-ordered operation id (UUID v7), so journal listings sort by creation. */
export const mintOperationId = (): string => {
	const random = random16();
	const now = Date.now();
	if (now > lastMs) {
		lastMs = now;
		// 31 random bits leave room to count up within the millisecond.
		counter =
			(((random[6] ?? 0) & 0x7f) << 24) |
			((random[7] ?? 0) << 16) |
			((random[8] ?? 0) << 8) |
			(random[9] ?? 0);
	} else {
		counter = (counter + 1) | 0;
		if (counter === 0) lastMs++;
	}
	return v7({ random, msecs: lastMs, seq: counter });
};

// Fixed namespace for derived keys: changing it would change every derived key, so it never changes.
const KEY_NAMESPACE = '5b0e1f4e-6f5a-4c1b-9c77-0f6f3d1b9a10';

/**
A deterministic key from a stable name (for example `book:u42:c7`), for callers that have no journal but a natural unique id. Scope it so two tenants never derive the same key.
*/
export const deriveKey = (name: string, scope = ''): string => v5(`${scope}\u0000${name}`, KEY_NAMESPACE);
