// docs/getting-started.md: a first client, a keyed POST, the result and the typed errors.
import {
	createClient,
	isInProgressError,
	isJournalError,
	isKeyReuseError,
	isOutcomeUnknownError,
	isRequestRejectedError,
	MemoryJournal,
} from 'idemkey';
import * as z from 'zod';

const Booking = z.object({ id: z.string(), status: z.string() });

export const api = createClient({
	baseUrl: 'https://api.example.com/v1/',
	dialect: 'bardge',
	journal: new MemoryJournal(),
	headers: { authorization: `Bearer ${process.env.API_TOKEN}` },
});

export async function bookClass(clientId: string, classId: string) {
	const res = await api.post('bookings', {
		json: { classId, clientId },
		operation: `book:${clientId}:${classId}`,
		schema: Booking,
	});
	console.log(res.status, res.data.id); // 201 'b1'
	console.log(res.key); // the Idempotency-Key that was sent: a UUID minted for this operation
	console.log(res.attempts); // 1, or more when retries were needed; 0 when the journal answered
	console.log(res.replayed); // true | false | undefined
	console.log(res.fromJournal); // true when no request was sent at all
	return res.data;
}

export async function bookOrExplain(clientId: string, classId: string): Promise<string> {
	try {
		const booking = await bookClass(clientId, classId);
		return `booked ${booking.id}`;
	} catch (error) {
		if (isOutcomeUnknownError(error)) {
			// Retries ran out on timeouts, resets or 5xx: the booking may exist. Run the same operation again later.
			return `unsure (${error.reason}); retry later, same operation`;
		}
		if (isInProgressError(error)) return 'the server is still working on it; retry later';
		if (isKeyReuseError(error)) return `operation ${error.operation} was first run with other data`;
		if (isRequestRejectedError(error))
			return `rejected with ${error.status} (${error.errorCode ?? 'no code'})`;
		if (isJournalError(error)) return 'journal unavailable; nothing was sent';
		throw error;
	}
}
