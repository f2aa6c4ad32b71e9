// The booking service the agent tools of these tests act on: the project's emulator on loopback, with scripted
// faults, and an idemkey client for it. Counts every effect the tools cause.
import { createClient, MemoryJournal } from '../../../src/index.js';
import { createEmulator, type Emulator, type Fault } from '../../../src/testing/index.js';

export type Booking = { id: string; clientId: string; classId: string; status: string };
export type BookingInput = { clientId: string; classId: string };

export type BookingApi = Awaited<ReturnType<typeof bookingApi>>;

/** An emulator with `faults` and a client whose retries end after one retry, so faults reach the tool. */
export async function bookingApi(faults: Fault[] = []) {
	const emulator: Emulator = await createEmulator({ dialect: 'stripe', faults });
	const api = createClient({
		baseUrl: emulator.url,
		dialect: 'stripe',
		journal: new MemoryJournal(),
		retry: { limit: 1, baseDelay: 1, maxDelay: 1 },
	});
	/** What a tool does: book through the idemkey client with the tool's operation and key. */
	const book = async (
		input: BookingInput,
		ids: { operation?: string; key?: string; signal?: AbortSignal } = {},
	): Promise<Booking> =>
		// `ref` names the logical booking, so the emulator counts a duplicate even under a new key.
		(
			await api.post<Booking>('bookings', {
				json: { ...input, ref: `${input.clientId}:${input.classId}` },
				...ids,
			})
		).data;
	return {
		emulator,
		api,
		book,
		/** Bookings applied per logical booking. */
		effects: () => Object.fromEntries(emulator.state.logicalEffects),
		keysSent: () => emulator.state.requests.map((r) => r.key),
		close: () => emulator.close(),
	};
}
