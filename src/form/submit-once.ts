import type { FormCall, FormOptions, FormSubmit } from '../types/form.js';
import type { IdemResult } from '../types/result.js';
import { formSession } from './session.js';

/**
One operation per named form instance, for a framework's submit handler (React, Vue, Svelte): no DOM. Call the
returned function with the form's values on submit; a second call while one is on its way joins it, a call with
unchanged values after success shows the result again without a request, changed values are a new operation. Make
it once per form instance (a module, `useMemo`, `onMount`), not on every render.
@example
const submit = submitOnce('booking', (call, values) => api.post('bookings', { json: values, ...call }), { client: api });
const state = await submit(values);
*/
export function submitOnce<T = unknown, V = unknown>(
	name: string,
	send: (call: FormCall, values: V) => Promise<IdemResult<T>>,
	options: FormOptions<T>,
): FormSubmit<T, V> {
	const session = formSession<T, V | undefined>(
		name,
		// A non-function is passed on as is, for the session to refuse with the other options.
		typeof send === 'function' ? (values, call) => send(call, values as V) : send,
		options,
	);
	// The session's own properties, its `state` getter included, on the function that submits.
	const submit = (values?: V) => session.submit(values);
	return Object.defineProperties(submit, Object.getOwnPropertyDescriptors(session)) as FormSubmit<T, V>;
}
