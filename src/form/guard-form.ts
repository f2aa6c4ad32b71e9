import type { FormFields, FormGuard, GuardFormOptions } from '../types/form.js';
import { mustBe } from '../utils/input.js';
import { formFields } from './form-fields.js';
import { isUnknown } from './machine.js';
import { formSession } from './session.js';

type Busy = HTMLElement & { disabled?: boolean | undefined };

/**
Guards a form: one operation per filled-in form, kept across reloads of the tab; the submitter disabled and
`aria-busy` while a request is on its way; a lost answer reported, never resent under a new key unless the page asks.
@example guardForm(form, { client: api, send: (body, call) => api.post('bookings', { json: body, ...call }) })
*/
export function guardForm<T = unknown, B = FormFields>(
	form: HTMLFormElement,
	options: GuardFormOptions<T, B>,
): FormGuard<T, never> {
	if (typeof form?.addEventListener !== 'function') throw mustBe('form', 'a form', form);
	// The attribute, not `form.name`: a field named "name" shadows that property.
	const name = options?.name ?? (form.getAttribute('name') || form.id);
	const read = options?.body ?? (formFields as unknown as NonNullable<GuardFormOptions<T, B>['body']>);
	let submitter: HTMLElement | null = null;
	// The submitter while it shows the request on its way. It was enabled before (a disabled one cannot submit).
	let marked: Busy | undefined;
	// Set at once on submit (before the journal is even read), so a second click meets a disabled button.
	const busy = (on: boolean) => {
		if (on) marked ??= submitter ?? undefined;
		if (!marked) return;
		marked.disabled = on;
		if (on) marked.setAttribute('aria-busy', 'true');
		else {
			marked.removeAttribute('aria-busy');
			marked = undefined;
		}
	};
	const paint = () => busy(session.state.status === 'submitting');
	const session = formSession<T, B>(name, options?.send, {
		...options,
		onChange: (state) => {
			paint();
			return options.onChange?.(state);
		},
	});

	const submit = () => {
		let body: B | undefined;
		let unreadable: unknown;
		try {
			body = read(form, submitter);
		} catch (error) {
			unreadable = error;
		}
		const done = session.submit(body as B, unreadable);
		busy(true);
		return done.finally(paint);
	};
	// One listener for the three events: `submit` sends, `input`/`change` tell an edit after an unknown outcome.
	const listener = (event: Event) => {
		if (event.type === 'submit') {
			event.preventDefault();
			submitter = (event as SubmitEvent).submitter ?? null;
			void submit();
			return;
		}
		if (!isUnknown(session.state)) return;
		try {
			session.edit(read(form, submitter));
		} catch {
			// A body that cannot be read is not a reason to break typing; the submit will report it.
		}
	};
	const EVENTS = ['submit', 'input', 'change'];
	for (const type of EVENTS) form.addEventListener(type, listener);

	return {
		get state() {
			return session.state;
		},
		ready: session.ready,
		submit,
		retry: session.retry,
		startOver: session.startOver,
		dispose() {
			for (const type of EVENTS) form.removeEventListener(type, listener);
			busy(false);
			session.dispose();
		},
	};
}
