import { describe, expectTypeOf, it } from 'vitest';
import {
	type FormState,
	type FormSubmit,
	guardForm,
	IndexedDBJournal,
	submitOnce,
} from '../../src/browser.js';
import { createClient } from '../../src/index.js';

// The public API, as a page writes it: a createClient() client fits `client`, `call` spreads into a call.
const api = createClient({
	baseUrl: 'https://api.example.com/v1/',
	dialect: 'bardge',
	journal: new IndexedDBJournal(),
});
declare const form: HTMLFormElement;
type Booked = { id: string };

describe('guardForm and submitOnce', () => {
	it('take the client and a send that spreads its call; the state carries the typed result', () => {
		const guard = guardForm(form, {
			client: api,
			send: (body, call) => api.post<Booked>('bookings', { json: body, ...call }),
			onChange: (state) => expectTypeOf(state.status).toEqualTypeOf<FormState['status']>(),
		});
		expectTypeOf(guard.state.result?.data).toEqualTypeOf<Booked | undefined>();
		expectTypeOf(guard.retry()).resolves.toEqualTypeOf<FormState<Booked>>();
		const values = { classId: 'c7' };
		const submit = submitOnce('booking', (call) => api.post<Booked>('bookings', { json: values, ...call }), {
			client: api,
		});
		expectTypeOf(submit).toEqualTypeOf<FormSubmit<Booked, unknown>>();
		expectTypeOf(submit(values)).resolves.toEqualTypeOf<FormState<Booked>>();
	});

	it('refuses a send that does not return a call result, and a client that is not one', () => {
		// @ts-expect-error send must resolve to the call's result (IdemResult)
		guardForm(form, { client: api, send: async () => 'done' });
		// @ts-expect-error the client must be a createClient() client
		submitOnce('booking', (call) => api.post('bookings', { ...call }), { client: {} });
	});
});
