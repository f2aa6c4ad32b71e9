import type { Booking, DialectState, StoredResponse } from './dialect-state.js';

/**
What an emulator keeps across restarts: the booking API's data, the keys whose first request finished (with the
stored answer), and the effect counts, so duplicates across restarts are still counted. Requests seen and keys still
in progress are not kept: a restart drops the connections they came on.
*/
type Saved = {
	readonly format: 'idemkey-emulator-state';
	readonly version: 1;
	/** The server profile's name: a file is only ever read back by the same kind of server. */
	readonly server: string;
	readonly nextBooking: number;
	readonly bookings: readonly Booking[];
	readonly keys: readonly (readonly [
		id: string,
		fingerprint: string,
		createdAt: number,
		response: StoredResponse,
	])[];
	readonly effects: readonly (readonly [string, number])[];
	readonly logicalEffects: readonly (readonly [string, number])[];
};

/** The state as the text of a state file. */
export function encodeState(state: DialectState, server: string): string {
	const saved: Saved = {
		format: 'idemkey-emulator-state',
		version: 1,
		server,
		nextBooking: state.nextBookingNumber,
		bookings: [...state.bookings.values()],
		keys: [...state.keys]
			.filter(([, entry]) => entry.response !== undefined)
			.map(([id, entry]) => [id, entry.fingerprint, entry.createdAt, entry.response as StoredResponse]),
		effects: [...state.effects],
		logicalEffects: [...state.logicalEffects],
	};
	return `${JSON.stringify(saved)}\n`;
}

const isCount = (v: unknown): v is [string, number] =>
	Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && Number.isSafeInteger(v[1]);

const isResponse = (v: unknown): v is StoredResponse => {
	const r = v as StoredResponse | null;
	return (
		typeof r === 'object' &&
		r !== null &&
		Number.isInteger(r.status) &&
		typeof r.body === 'string' &&
		Array.isArray(r.headers) &&
		r.headers.every((h) => Array.isArray(h) && typeof h[0] === 'string' && typeof h[1] === 'string')
	);
};

const isKey = (v: unknown): v is Saved['keys'][number] =>
	Array.isArray(v) &&
	v.length === 4 &&
	typeof v[0] === 'string' &&
	typeof v[1] === 'string' &&
	Number.isFinite(v[2]) &&
	isResponse(v[3]);

const isBooking = (v: unknown): v is Booking =>
	typeof v === 'object' && v !== null && typeof (v as Booking).id === 'string';

function parse(text: string, file: string): Saved {
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch (error) {
		throw new Error(`${file} is not an emulator state file (not JSON).`, { cause: error });
	}
	const saved = value as Partial<Saved> | null;
	const ok =
		typeof saved === 'object' &&
		saved !== null &&
		saved.format === 'idemkey-emulator-state' &&
		saved.version === 1 &&
		typeof saved.server === 'string' &&
		Number.isSafeInteger(saved.nextBooking) &&
		Array.isArray(saved.bookings) &&
		saved.bookings.every(isBooking) &&
		Array.isArray(saved.keys) &&
		saved.keys.every(isKey) &&
		Array.isArray(saved.effects) &&
		saved.effects.every(isCount) &&
		Array.isArray(saved.logicalEffects) &&
		saved.logicalEffects.every(isCount);
	if (!ok) throw new Error(`${file} is not an emulator state file this version can read.`);
	return saved as Saved;
}

/**
Loads a state file's contents into a fresh `state`. Refuses a file written by another kind of server: its keys
were stored under that server's rules (key header, scope, fingerprint), and reading them as another's would make up
answers no real server gives.
*/
export function decodeState(text: string, file: string, server: string, state: DialectState): void {
	const saved = parse(text, file);
	if (saved.server !== server) {
		throw new Error(
			`${file} holds the state of a ${saved.server} server, not ${server}: serve it with that dialect, or use another file.`,
		);
	}
	for (const booking of saved.bookings) state.bookings.set(booking.id, booking);
	for (const [id, fingerprint, createdAt, response] of saved.keys)
		state.remember(id, fingerprint, createdAt, response);
	for (const [id, n] of saved.effects) state.effects.set(id, n);
	for (const [id, n] of saved.logicalEffects) state.logicalEffects.set(id, n);
	state.nextBookingNumber = saved.nextBooking;
}
