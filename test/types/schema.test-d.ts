import { describe, expectTypeOf, it } from 'vitest';
import * as z from 'zod';
import { createClient, type IdemResult, type StandardSchemaV1 } from '../../src/index.js';

const api = createClient({ baseUrl: 'https://api.example.com/v1/' });

const Booking = z.object({
	id: z.string(),
	seats: z.number().int(),
	// A transform: res.data is the schema's output, not what the server sent.
	createdAt: z.string().transform((text) => new Date(text)),
	note: z.string().optional(),
});
type Booking = { id: string; seats: number; createdAt: Date; note?: string | undefined };

// A validator written by hand against the spec, as a library without zod would ship one.
const Receipt: StandardSchemaV1<unknown, { receiptId: string }> = {
	'~standard': {
		version: 1,
		vendor: 'hand-written',
		validate: (value) =>
			typeof value === 'object' &&
			value !== null &&
			typeof (value as { receiptId?: unknown }).receiptId === 'string'
				? { value: { receiptId: (value as { receiptId: string }).receiptId } }
				: { issues: [{ message: 'not a receipt' }] },
	},
};

describe('res.data', () => {
	it("is a zod 4 schema's output", async () => {
		const res = await api.post('bookings', { json: {}, schema: Booking });
		expectTypeOf(res.data).toEqualTypeOf<Booking>();
		expectTypeOf(res).toEqualTypeOf<IdemResult<Booking>>();
	});

	it('is the output of any zod 4 schema, not only an object', async () => {
		const ids = await api.get('bookings', { schema: z.array(z.string()) });
		expectTypeOf(ids.data).toEqualTypeOf<string[]>();
		const status = await api.request('PATCH', 'bookings/1', { schema: z.enum(['open', 'closed']) });
		expectTypeOf(status.data).toEqualTypeOf<'open' | 'closed'>();
	});

	it("is a hand-written Standard Schema's output", async () => {
		const res = await api.put('receipts/1', { json: {}, schema: Receipt });
		expectTypeOf(res.data).toEqualTypeOf<{ receiptId: string }>();
	});

	it('is unknown without a schema, so it must be checked before use', async () => {
		const res = await api.post('bookings', { json: {} });
		expectTypeOf(res.data).toBeUnknown();
		const read = await api.get('bookings');
		expectTypeOf(read.data).toBeUnknown();
	});

	it('is the type argument given without a schema (the caller vouches for it)', async () => {
		const res = await api.post<{ id: string }>('bookings', { json: {} });
		expectTypeOf(res.data).toEqualTypeOf<{ id: string }>();
		const read = await api.get<string[]>('bookings');
		expectTypeOf(read.data).toEqualTypeOf<string[]>();
	});

	it('refuses a schema whose output is not the type argument given', () => {
		// @ts-expect-error the schema outputs Booking, not a number
		void api.post<number>('bookings', { json: {}, schema: Booking });
	});

	it('refuses a schema that is not a Standard Schema', () => {
		// @ts-expect-error a bare validate function is not a Standard Schema
		void api.post('bookings', { json: {}, schema: { validate: (value: unknown) => value } });
	});

	it("is the schema's output on a resumed operation too", async () => {
		const res = await api.resume('book:u42:c7', { schema: Booking });
		expectTypeOf(res.data).toEqualTypeOf<Booking>();
	});
});
