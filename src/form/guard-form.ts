import type { FormFields, FormGuard, GuardFormOptions } from '../types/form.js';
import { mustBe } from '../utils/input.js';
import { formFields } from './form-fields.js';
import { formSession, Unreadable } from './session.js';

type Busy = HTMLElement & { disabled?: boolean };

/**
Guards a form: one operation per filled-in form, kept across reloads of the tab; the submitter disabled and
`aria-busy` while a request is on its way; a lost answer reported, never resent under a new key unless the page asks.
@example guardForm(form, { client: api, send: (body, call) => api.post('bookings', { json: body, ...call }) })
*/
export function guardForm<T = unknown, B = FormFields>(
	form: HTMLFormElement,
	options: GuardFormOptions<T, B>,
): FormGuard<T, never> {
	if (typeof form?.addEventListener !== 'function' || typeof form.checkValidity !== 'function') {
		throw mustBe('form', 'a <form> element', form);
	}
	// The attribute, not `form.name`: a field named "name" shadows that property.
	const name = options?.name ?? (form.getAttribute('name') || form.id);
	const read = options?.body ?? (formFields as unknown as NonNullable<GuardFormOptions<T, B>['body']>);
	let submitter: HTMLElement | null = null;
	// What was changed to show the request on its way, with the values to put back.
	let marked: [Busy, boolean | undefined, string | null][] = [];

	const restore = () => {
		for (const [element, disabled, busy] of marked) {
			if (disabled !== undefined) element.disabled = disabled;
			if (busy === null) element.removeAttribute('aria-busy');
			else element.setAttribute('aria-busy', busy);
		}
		marked = [];
	};
	// Marked at once on submit (before the journal is even read), unmarked when the state is no longer `submitting`.
	const mark = () => {
		if (marked.length > 0) return;
		for (const element of [form, submitter] as (Busy | null)[]) {
			if (!element) continue;
			marked.push([
				element,
				element === form ? undefined : element.disabled,
				element.getAttribute('aria-busy'),
			]);
			if (element !== form) element.disabled = true;
			element.setAttribute('aria-busy', 'true');
		}
	};
	const paint = () => (session.state.status === 'submitting' ? mark() : restore());
	const session = formSession<T, B>(name, options?.send, {
		...options,
		onChange: (state) => {
			paint();
			return options.onChange?.(state);
		},
	});

	const submit = () => {
		let body: B | Unreadable;
		try {
			body = read(form, submitter);
		} catch (error) {
			body = new Unreadable(error);
		}
		const done = session.submit(body);
		mark();
		return done.finally(paint);
	};
	const onSubmit = (event: Event) => {
		event.preventDefault();
		submitter = (event as SubmitEvent).submitter ?? null;
		void submit();
	};
	const onInput = () => {
		const { status } = session.state;
		if (status !== 'unknown' && status !== 'changed-after-unknown') return;
		try {
			session.edited(read(form, submitter));
		} catch {
			// A body that cannot be read is not a reason to break typing; the submit will report it.
		}
	};
	form.addEventListener('submit', onSubmit);
	form.addEventListener('input', onInput);
	form.addEventListener('change', onInput);

	return {
		get state() {
			return session.state;
		},
		ready: session.ready,
		submit,
		retry: session.retry,
		startOver: session.startOver,
		dispose() {
			form.removeEventListener('submit', onSubmit);
			form.removeEventListener('input', onInput);
			form.removeEventListener('change', onInput);
			restore();
			session.dispose();
		},
	};
}
