// docs/recipes/browser-forms.md: a booking form that never books twice (double clicks, reloads, flaky networks).
import { createClient, type IdemResult, isOutcomeUnknownError, isRequestRejectedError } from 'idemkey';
import { IndexedDBJournal } from 'idemkey/browser';

const api = createClient({
	baseUrl: new URL('/api/v1/', location.href),
	dialect: 'bardge',
	journal: new IndexedDBJournal(), // survives reloads; atomic across tabs
});

const TOKEN = 'booking-form-token';

/** One token per filled-in form, kept in sessionStorage so a reload of this tab finds it again. */
function formOperation(): string {
	let token = sessionStorage.getItem(TOKEN);
	if (!token) {
		token = crypto.randomUUID();
		sessionStorage.setItem(TOKEN, token);
	}
	return `booking-form:${token}`;
}

/** A new form: the next submission is a new operation. */
const nextForm = () => sessionStorage.removeItem(TOKEN);

export type Shown = { message: string; canEdit: boolean };

/** Submit handler. Two clicks share one request (single-flight); a reload resubmits under the same key. */
export async function submitBooking(fields: { clientId: string; classId: string }): Promise<Shown> {
	try {
		const res = await api.post('bookings', { json: fields, operation: formOperation() });
		nextForm();
		return { message: confirmation(res), canEdit: true };
	} catch (error) {
		if (isRequestRejectedError(error)) {
			nextForm(); // not applied: corrected fields go out as a new operation
			return { message: `Please check the form (${error.status}).`, canEdit: true };
		}
		if (isOutcomeUnknownError(error)) {
			// Keep the token and the fields: "Try again" must send the same request under the same key.
			return { message: 'We could not confirm your booking. Try again.', canEdit: false };
		}
		throw error;
	}
}

/** On page load: finish (or just show) a submission that the last load of this tab left behind. */
export async function recoverOnLoad(): Promise<Shown | undefined> {
	const token = sessionStorage.getItem(TOKEN);
	if (!token) return undefined;
	const operation = `booking-form:${token}`;
	if (!(await api.journal.get(api.scope, operation))) return undefined; // never submitted
	const res = await api.resume(operation); // finished: from the journal; interrupted: resent, same key
	nextForm();
	return { message: confirmation(res), canEdit: true };
}

const confirmation = (res: IdemResult) =>
	`Booked (${(res.data as { id?: string } | undefined)?.id ?? 'confirmed'})${res.fromJournal ? ', as before' : ''}.`;

export function wire(form: HTMLFormElement, show: (shown: Shown) => void): void {
	form.addEventListener('submit', (event) => {
		event.preventDefault();
		const data = new FormData(form);
		const fields = { clientId: String(data.get('clientId')), classId: String(data.get('classId')) };
		submitBooking(fields).then(show, (error: unknown) => show({ message: String(error), canEdit: false }));
	});
	recoverOnLoad().then((shown) => shown && show(shown), console.error);
}
