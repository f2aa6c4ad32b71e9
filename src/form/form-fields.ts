import type { FormFields } from '../types/form.js';
import { mustBe } from '../utils/input.js';

/**
The form's fields as FormData sees them (so what the browser itself would submit, the submitter's name and value
included), as a plain object. Read before anything is disabled: FormData leaves disabled fields out.
*/
export function formFields(form: HTMLFormElement, submitter: HTMLElement | null): FormFields {
	const fields = new Map<string, string | string[]>();
	for (const [name, value] of new FormData(form, submitter)) {
		if (typeof value !== 'string') throw mustBe(name, 'text', value);
		const had = fields.get(name);
		fields.set(name, had === undefined ? value : [had, value].flat());
	}
	// fromEntries defines own properties: a field named "__proto__" stays a field.
	return Object.fromEntries(fields);
}
