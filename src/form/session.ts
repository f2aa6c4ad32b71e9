import {
	isInvalidRequestError,
	isKeyMissingError,
	isKeyReuseError,
	isRequestRejectedError,
} from '../errors/guards.js';
import type { FormCall, FormOptions, FormState } from '../types/form.js';
import type { IdemResult } from '../types/result.js';
import { callHook } from '../utils/call-hook.js';
import { mustBe } from '../utils/input.js';
import { type FormEvent, submitAction, transition } from './machine.js';
import { checkFormName, contentHash, formPrefix, hashOf, mintFormOperation } from './operation-id.js';

type Store = NonNullable<FormOptions['storage']>;

/** A body that could not be read (a file input): refused like bad input, but never in place of an unknown one. */
export class Unreadable {
	constructor(readonly error: unknown) {}
}

/** What guardForm and submitOnce drive: one named form's operation, with no DOM. */
export type FormSession<T, B> = {
	readonly state: FormState<T>;
	readonly ready: Promise<FormState<T>>;
	submit(body: B | Unreadable): Promise<FormState<T>>;
	edited(body: B): void;
	retry(): Promise<FormState<T>>;
	startOver(): Promise<FormState<T>>;
	dispose(): void;
};

// Never applied: the next submit may take a new key. Anything else may have been (or its outcome is not known).
const notApplied = (error: unknown) =>
	isRequestRejectedError(error) ||
	isKeyReuseError(error) ||
	isKeyMissingError(error) ||
	isInvalidRequestError(error);

function defaultStorage(): Store | null {
	// A sandboxed frame or blocked site data throws on the mere access: the form still works, without reload recovery.
	try {
		return globalThis.sessionStorage ?? null;
	} catch {
		return null;
	}
}

export function formSession<T, B>(
	name: unknown,
	send: (body: B, call: FormCall) => Promise<IdemResult<T>>,
	options: FormOptions<T>,
): FormSession<T, B> {
	const { client, onChange, finishOnLoad } = options ?? {};
	checkFormName(name);
	if (typeof client?.resume !== 'function')
		throw mustBe('options.client', 'a client from createClient()', client);
	if (typeof send !== 'function') throw mustBe('send', 'a function', send);
	const prefix = formPrefix(name as string);
	const slot = `idemkey:${prefix}`;
	const storage = options.storage === undefined ? defaultStorage() : options.storage;
	const controller = new AbortController();
	const { signal } = controller;

	let operation: string | undefined;
	let state: FormState<T> = Object.freeze({ status: 'idle', operation });
	let flight: Promise<FormState<T>> | undefined;

	const keep = (next: string | undefined) => {
		operation = next;
		state = Object.freeze({ ...state, operation });
		try {
			if (next) storage?.setItem(slot, next);
			else storage?.removeItem(slot);
		} catch {
			// A full or refusing storage costs reload recovery, never the submission.
		}
	};
	const move = (event: FormEvent, extra: Partial<FormState<T>> = {}) => {
		const status = transition(state.status, event);
		if (!status) return;
		state = Object.freeze({ status, operation, ...extra });
		if (!signal.aborted) callHook(onChange, state);
	};
	const run = (work: () => Promise<IdemResult<T>>): Promise<FormState<T>> => {
		move('submit');
		const settled = work().then(
			(result) => move('succeeded', { result }),
			(error: unknown) => move(notApplied(error) ? 'rejected' : 'unknown', { error }),
		);
		flight = settled.then(() => {
			flight = undefined;
			return state;
		});
		return flight;
	};
	const resend = () => run(() => client.resume<T>(operation as string, { signal }));

	// On load: this tab's operation (sessionStorage), else the newest unfinished one of this form (a closed tab's).
	const ready = (async () => {
		let stored: string | null | undefined;
		try {
			stored = storage?.getItem(slot);
		} catch {}
		let record = stored ? await client.journal.get(client.scope, stored) : undefined;
		record ??= (await client.pending({ signal })).findLast((r) => r.operation.startsWith(prefix));
		if (!record || record.state === 'failed') return keep(undefined);
		keep(record.operation);
		if (record.state === 'succeeded') {
			move('restored', { result: await client.resume<T>(record.operation, { signal }) });
		} else {
			move('found');
			if (finishOnLoad) await resend();
		}
	})().then(
		() => state,
		// An unreadable journal leaves the form idle: its first submit then fails on the journal, before sending.
		() => state,
	);

	const submit = (body: B | Unreadable) =>
		ready.then(() => {
			if (flight) return flight;
			let hash: string | Unreadable;
			try {
				hash = body instanceof Unreadable ? body : contentHash(body);
			} catch (error) {
				hash = new Unreadable(error);
			}
			// Bad input counts as an edit: after an unknown outcome it is held, never sent as a new operation.
			switch (submitAction(state.status, hash !== hashOf(operation))) {
				case 'join':
				case 'show':
					return state;
				case 'hold':
					move('edited');
					return state;
				case 'resend':
					return resend();
				default:
					return hash instanceof Unreadable ? run(() => Promise.reject(hash.error)) : fresh(body as B, hash);
			}
		});
	// A new operation for this content: or the one another tab is sending right now, joined (one request).
	const fresh = (body: B, hash: string) =>
		run(async () => {
			const same = `${prefix}${hash}.`;
			const other = (await client.pending({ signal })).findLast((r) => r.operation.startsWith(same));
			keep(other?.operation ?? mintFormOperation(name as string, hash));
			return send(body, { operation: operation as string, signal });
		});

	return {
		get state() {
			return state;
		},
		ready,
		submit,
		edited(body) {
			let changed: boolean;
			try {
				changed = contentHash(body) !== hashOf(operation);
			} catch {
				changed = true;
			}
			move(changed ? 'edited' : 'reverted');
		},
		retry: () =>
			ready.then(
				() => flight ?? (submitAction(state.status, false) === 'resend' && operation ? resend() : state),
			),
		startOver: () =>
			ready.then(async () => {
				if (flight) return flight;
				const left = operation;
				const unknown = state.status === 'unknown' || state.status === 'changed-after-unknown';
				keep(undefined);
				move('start-over');
				// Abandoned, so that no later page finds it and offers it again; a journal that refuses costs only that.
				if (unknown && left) await client.abandon(left, { signal }).catch(() => {});
				return state;
			}),
		dispose: () => controller.abort(),
	};
}
