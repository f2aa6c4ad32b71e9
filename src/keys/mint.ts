import { v5 } from 'uuid';

// Keys and ids are UUIDs made here from `crypto.getRandomValues`, not `crypto.randomUUID`, which browsers offer only
// on secure (https) origins. The bytes come from a pool refilled 4 KiB at a time: one synchronous CSPRNG call per id
// showed up as ~5% of client CPU under load. Every id takes 16 bytes of its own; none is ever used twice.
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

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** 16 bytes in the UUID text form, `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`. */
const uuidText = (bytes: Uint8Array): string => {
	let text = '';
	for (let i = 0; i < 16; i++) {
		if (i === 4 || i === 6 || i === 8 || i === 10) text += '-';
		text += HEX[bytes[i] ?? 0];
	}
	return text;
};

/** A fresh random key: a UUID v4 (RFC 9562), 122 random bits. */
export const mintKey = (): string => {
	const bytes = random16();
	bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40; // version 4
	bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80; // the RFC 9562 variant
	return uuidText(bytes);
};

let lastMs = -1;
let counter = 0;

/**
A time-ordered operation id: a UUID v7 (RFC 9562), so journal listings sort by creation. 48 bits of epoch ms, then a
32-bit counter (across the version and variant bits) that starts at a random value each millisecond and counts up
within it, then 42 random bits: ids minted in one millisecond still sort in creation order. The layout is uuid's v7
with a counter (`seq`), so ids sort with the ones earlier versions minted.
*/
export const mintOperationId = (): string => {
	const bytes = random16();
	const now = Date.now();
	if (now > lastMs) {
		lastMs = now;
		// 31 random bits leave room to count up within the millisecond.
		counter =
			(((bytes[6] ?? 0) & 0x7f) << 24) | ((bytes[7] ?? 0) << 16) | ((bytes[8] ?? 0) << 8) | (bytes[9] ?? 0);
	} else {
		counter = (counter + 1) | 0;
		// The counter ran out within one millisecond: borrow the next one, as uuid does.
		if (counter === 0) lastMs++;
	}
	for (let i = 5, ms = lastMs; i >= 0; i--, ms = Math.floor(ms / 256)) bytes[i] = ms & 0xff;
	bytes[6] = 0x70 | ((counter >>> 28) & 0x0f); // version 7
	bytes[7] = (counter >>> 20) & 0xff;
	bytes[8] = 0x80 | ((counter >>> 14) & 0x3f); // the RFC 9562 variant
	bytes[9] = (counter >>> 6) & 0xff;
	bytes[10] = ((counter << 2) & 0xff) | ((bytes[10] ?? 0) & 0x03);
	return uuidText(bytes);
};

// uuid's v5 stays: it needs SHA-1 at once, and WebCrypto's is asynchronous. Pages that never derive a key do not
// bundle it.
// Fixed namespace for derived keys: changing it would change every derived key, so it never changes.
const KEY_NAMESPACE = '5b0e1f4e-6f5a-4c1b-9c77-0f6f3d1b9a10';

/**
A deterministic key from a stable name (for example `book:u42:c7`), for callers that have no journal but a natural unique id. Scope it so two tenants never derive the same key.
*/
export const deriveKey = (name: string, scope = ''): string => v5(`${scope}\u0000${name}`, KEY_NAMESPACE);
