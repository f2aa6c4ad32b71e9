// docs/recipes/browser-forms.md: a framework's submit handler (React, Vue, Svelte) with submitOnce: no DOM needed.
import { createClient } from 'idemkey';
import { type FormState, IndexedDBJournal, submitOnce } from 'idemkey/browser';

export type Booking = { classId: string; clientId: string };
export type Booked = { id: string };

export const api = createClient({
	baseUrl: new URL('/api/v1/', location.href),
	dialect: 'bardge',
	journal: new IndexedDBJournal(),
});

/**
One per form instance, made once (React: `useMemo`, Vue: `setup`, Svelte: the component's script), not on every
render. Call it with the form's values on submit; tell it edits with `.edit(values)`.
*/
export const bookingForm = (render: (state: FormState<Booked>) => void) =>
	submitOnce<Booked, Booking>(
		'booking',
		(call, values) => api.post<Booked>('bookings', { json: values, ...call }),
		{
			client: api,
			onChange: render,
		},
	);
