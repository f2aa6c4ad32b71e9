import { describe, expect, it, vi } from 'vitest';
import { guardForm } from '../../src/browser.js';
import type { IdemClient } from '../../src/client/create.js';
import { InvalidRequestError } from '../../src/index.js';
import { bookingApi, TabStorage } from './support.js';

/*
guardForm's wiring with stand-ins for the DOM (the project has no DOM library): the form is an EventTarget, the body
comes from `options.body`. Reading a real form through FormData, and the real browser's submit events, are covered
by the Chromium tests (test/e2e).
*/

class Button {
	disabled = false;
	readonly attributes = new Map<string, string>();
	getAttribute(name: string) {
		return this.attributes.get(name) ?? null;
	}
	setAttribute(name: string, value: string) {
		this.attributes.set(name, value);
	}
	removeAttribute(name: string) {
		this.attributes.delete(name);
	}
}

class Form extends EventTarget {
	fields: Record<string, string> = { classId: 'c7', clientId: 'u42' };
	constructor(readonly id = 'booking') {
		super();
	}
	getAttribute(_name: string): string | null {
		return null;
	}
	/** What the browser does on a click of `button`: a cancelable submit event naming its submitter. */
	click(button: Button): Event {
		const event = new Event('submit', { cancelable: true });
		Object.defineProperty(event, 'submitter', { value: button });
		this.dispatchEvent(event);
		return event;
	}
	type(field: string, value: string) {
		this.fields = { ...this.fields, [field]: value };
		this.dispatchEvent(new Event('input'));
	}
}

function guard(api: IdemClient, form: Form, read = (f: Form) => ({ ...f.fields })) {
	return guardForm(form as unknown as HTMLFormElement, {
		client: api,
		storage: new TabStorage(),
		body: (f) => read(f as unknown as Form),
		send: (body, call) => api.post('bookings', { json: body, ...call }),
	});
}

describe('guardForm', () => {
	it('takes the submit: one request for a double click, the submitter disabled and aria-busy meanwhile, then restored', async () => {
		let answer: (() => void) | undefined;
		const api = await bookingApi((res) => {
			answer = () => {
				res.writeHead(201, { 'content-type': 'application/json' });
				res.end('{"id":"b1"}');
			};
		});
		const form = new Form();
		const button = new Button();
		const disabledWhenRead: boolean[] = [];
		const guarded = guard(api.client(), form, (f) => {
			disabledWhenRead.push(button.disabled);
			return { ...f.fields };
		});
		expect(form.click(button).defaultPrevented).toBe(true);
		expect(button.disabled).toBe(true);
		expect(button.getAttribute('aria-busy')).toBe('true');
		form.click(button); // Enter pressed in a field while the button is disabled
		await vi.waitFor(() => expect(answer).toBeDefined());
		expect(guarded.state.status).toBe('submitting');
		answer?.();
		await vi.waitFor(() => expect(guarded.state.status).toBe('succeeded'));
		expect(api.server.received).toHaveLength(1);
		expect(disabledWhenRead).toEqual([false, true]);
		expect(button.disabled).toBe(false);
		expect(button.getAttribute('aria-busy')).toBeNull();
	});

	it('after a lost answer an edit is reported, and retry() sends the stored request, not the edited form', async () => {
		const api = await bookingApi('drop');
		const form = new Form();
		const button = new Button();
		const guarded = guard(api.client(), form);
		form.click(button);
		await vi.waitFor(() => expect(guarded.state.status).toBe('unknown'));
		expect(button.disabled).toBe(false);
		form.type('classId', 'c9');
		expect(guarded.state.status).toBe('changed-after-unknown');
		// Submitting the edited form (as a click does) is held: the page chooses.
		expect((await guarded.submit()).status).toBe('changed-after-unknown');
		expect(api.server.received).toHaveLength(1);
		expect((await guarded.retry()).status).toBe('succeeded');
		expect(api.keys()[1]).toBe(api.keys()[0]);
		expect(JSON.parse(api.server.received[1]?.body.toString() ?? '')).toEqual({
			classId: 'c7',
			clientId: 'u42',
		});
	});

	it('dispose() removes its listeners and restores the submitter mid-flight', async () => {
		const api = await bookingApi(() => {}); // never answers
		const form = new Form();
		const button = new Button();
		const guarded = guard(api.client(), form);
		form.click(button);
		await vi.waitFor(() => expect(api.server.received).toHaveLength(1));
		guarded.dispose();
		expect(button.disabled).toBe(false);
		expect(button.getAttribute('aria-busy')).toBeNull();
		// The browser's own submit goes ahead: the guard no longer takes it.
		expect(form.click(button).defaultPrevented).toBe(false);
		expect(button.disabled).toBe(false);
	});

	it('names the operation after the form id; refuses a form without a name, or no form, at once', async () => {
		const api = await bookingApi();
		const form = new Form('signup');
		const named = guard(api.client(), form);
		form.click(new Button());
		await vi.waitFor(() => expect(named.state.status).toBe('succeeded'));
		expect(named.state.operation).toMatch(/^form:signup:/);
		expect(() => guard(api.client(), new Form(''))).toThrow(InvalidRequestError);
		expect(() =>
			guardForm(null as unknown as HTMLFormElement, {
				client: api.client(),
				send: async () => Promise.reject(),
			}),
		).toThrow(InvalidRequestError);
	});
});
