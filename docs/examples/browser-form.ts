// docs/recipes/browser-forms.md: a plain-HTML booking form that never books twice, with guardForm.
import { createClient } from 'idemkey';
import { type FormState, guardForm, IndexedDBJournal } from 'idemkey/browser';

const api = createClient({
	baseUrl: new URL('/api/v1/', location.href),
	dialect: 'bardge',
	journal: new IndexedDBJournal(), // survives reloads and closed tabs; atomic across tabs
});

type Booking = { id: string };

/** What the page says in each state. */
export function message(state: FormState<Booking>): string {
	switch (state.status) {
		case 'idle':
			return '';
		case 'submitting':
			return 'Booking…';
		case 'succeeded':
			return `Booked (${state.result?.data.id}).`;
		case 'rejected':
			return 'Please check the form.';
		case 'unknown':
			return 'We could not confirm your booking. Try again, or start over.';
		case 'changed-after-unknown':
			return 'You changed the form, but your first booking may have gone through. Send the first one again, or start over with the new one?';
	}
}

/**
Wires `<form name="booking">`, its status line and its two recovery buttons. The body is the form's fields as a plain
object ({ classId, clientId }), read before the submit button is disabled.
*/
export function wireBookingForm(
	form: HTMLFormElement,
	status: HTMLElement,
	retry: HTMLButtonElement,
	startOver: HTMLButtonElement,
) {
	const guard = guardForm<Booking>(form, {
		client: api,
		send: (body, call) => api.post<Booking>('bookings', { json: body, ...call }),
		onChange: (state) => {
			status.textContent = message(state);
			const uncertain = state.status === 'unknown' || state.status === 'changed-after-unknown';
			retry.hidden = startOver.hidden = !uncertain;
		},
	});
	retry.addEventListener('click', () => guard.retry()); // the stored request, same key
	startOver.addEventListener('click', () => guard.startOver()); // abandons it: the next submit is new
	return guard; // guard.dispose() when the form leaves the page
}
