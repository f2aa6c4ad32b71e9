import {
	isInvalidRequestError,
	isKeyMissingError,
	isKeyReuseError,
	isRequestRejectedError,
} from '../errors/guards.js';
import { platformLocks, underLock } from '../journal/browser/locks.js';
import { mintKey } from '../keys/mint.js';
import type { FormCall, FormOptions, FormState, FormStatus } from '../types/form.js';
import type { IdemResult } from '../types/result.js';
import { callHook } from '../utils/call-hook.js';
import { mustBe } from '../utils/input.js';
import { isUnknown, submitAction, transition } from './machine.js';
import { checkFormName, contentHash, contentPrefix, formPrefix } from './operation-id.js';

/** What guardForm and submitOnce drive: one named form's operation, with no DOM. */
export type FormSession<T, B> = {
	readonly state: FormState<T>;
	readonly ready: Promise<FormState<T>>;
	/** `unreadable`: why the body could not be read (a file input); refused like bad input, never sent. */
	submit(body: B, unreadable?: unknown): Promise<FormState<T>>;
	edit(body: B): void;
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

export function formSession<T, B>(
	name: unknown,
	send: (body: B, call: FormCall) => Promise<IdemResult<T>>,
	options: FormOptions<T>,
): FormSession<T, B> {
	const { client, onChange } = options ?? {};
	checkFormName(name);
	if (typeof client?.resume !== 'function') throw mustBe('options.client', 'a client', client);
	if (typeof send !== 'function') throw mustBe('send', 'a function', send);
	const prefix = formPrefix(name as string);
	const slot = `idemkey:${prefix}`;
	let storage = options.storage;
	let shared: typeof storage;
	try {
		storage ??= globalThis.sessionStorage;
		shared = globalThis.localStorage;
	} catch {
		// A sandboxed frame or blocked site data throws on the mere access: the form works, without reload recovery.
	}
	const controller = new AbortController();
	const { signal } = controller;

	let operation: string | undefined;
	let state: FormState<T> = { status: 'idle', operation };
	let flight: Promise<FormState<T>> | undefined;

	// `pointer`: the key under which the tabs find the operation of a content (localStorage).
	const keep = (next: string | undefined, pointer?: string) => {
		operation = next;
		state = { ...state, operation };
		try {
			if (pointer) shared?.setItem(pointer, next as string);
			if (next) storage?.setItem(slot, next);
			else storage?.removeItem(slot);
		} catch {
			// A full or refusing storage costs reload recovery, never the submission.
		}
	};
	const move = (to: FormStatus, extra: Partial<FormState<T>> = {}) => {
		const status = transition(state.status, to);
		if (!status) return;
		state = { status, operation, ...extra };
		if (!signal.aborted) callHook(onChange, state);
	};
	const run = (work: () => Promise<IdemResult<T>>, refused?: boolean): Promise<FormState<T>> => {
		move('submitting');
		const settled = work().then(
			(result) => move('succeeded', { result }),
			(error: unknown) => move(refused || notApplied(error) ? 'rejected' : 'unknown', { error }),
		);
		flight = settled.then(() => {
			flight = undefined;
			return state;
		});
		return flight;
	};
	// The newest unfinished operation whose id starts so (pending() lists oldest first).
	const newest = async (start: string) =>
		(await client.pending({ signal })).findLast((record) => record.operation.startsWith(start));
	const find = (id: string) => client.journal.get(client.scope, id);
	const resend = () => run(() => client.resume<T>(operation as string, { signal }));

	// On load: this tab's operation (sessionStorage), else the newest unfinished one of this form (a closed tab's).
	const ready = (async () => {
		const stored = storage?.getItem(slot);
		const record = (stored && (await find(stored))) || (await newest(prefix));
		if (!record || record.state === 'failed') return keep(undefined);
		keep(record.operation);
		if (record.state !== 'succeeded') return move('unknown');
		move('succeeded', { result: await client.resume<T>(record.operation, { signal }) });
	})()
		// An unreadable journal leaves the form idle: its first submit then fails on the journal, before sending.
		.catch(() => {})
		.then(() => state);

	const submit = (body: B, unreadable?: unknown) =>
		ready.then(() => {
			if (flight) return flight;
			// The start of every operation id of this content: what the operation is known by, here and in other tabs.
			let start: string | undefined;
			try {
				if (unreadable) throw unreadable;
				start = contentPrefix(name as string, contentHash(body));
			} catch (error) {
				unreadable = error;
			}
			// Bad input counts as an edit: after an unknown outcome it is held, never sent as a new operation.
			const action = submitAction(state.status, !start || !operation?.startsWith(start));
			if (action === 'hold') move('changed-after-unknown');
			if (action === 'resend') return resend();
			// Joined, shown or held: the state is the answer.
			if (action !== 'send') return state;
			return start ? run(() => fresh(body, start as string)) : run(() => Promise.reject(unreadable), true);
		});
	/*
	A new operation for this content, unless another tab sends it now: then that one is joined (one request). Tabs agree
	under a Web Lock per content, held until the answer: the id last minted for it, left in localStorage, is joined if
	unfinished or finished since this submit began (so sent while this tab waited its turn); else the newest
	unfinished one in the journal (a closed tab's). `pointer`, the lock's name and the localStorage key, is the start of
	every operation id of the content (`form:<name>:<hash>.`).
	*/
	const fresh = (body: B, pointer: string, since = Date.now()) =>
		// Without a shared storage to agree through, a held lock would only make the next tab miss this one.
		underLock(
			shared && platformLocks(),
			pointer,
			async () => {
				let id = shared?.getItem(pointer);
				const record = id && (await find(id));
				if (!record || record.state === 'failed' || record.updatedAt < since)
					id = (await newest(pointer))?.operation;
				keep(id ?? pointer + mintKey(), pointer);
				return send(body, { operation: operation as string, signal });
			},
			signal,
		);

	return {
		get state() {
			return state;
		},
		ready,
		submit,
		// Only an unknown outcome cares: elsewhere an edit is the next submit's business.
		edit: (body) =>
			isUnknown(state) &&
			move(
				operation?.startsWith(contentPrefix(name as string, contentHash(body)))
					? 'unknown'
					: 'changed-after-unknown',
			),
		retry: () => ready.then(() => flight ?? (isUnknown(state) && operation ? resend() : state)),
		startOver: () =>
			ready.then(async () => {
				if (flight) return flight;
				// An unknown outcome's operation: abandoned, so that no later page finds it and offers it again.
				const left = isUnknown(state) && operation;
				keep(undefined);
				move('idle');
				// A journal that refuses costs only that.
				if (left) await client.abandon(left, { signal }).catch(() => {});
				return state;
			}),
		dispose: () => controller.abort(),
	};
}
