import {
	isInvalidRequestError,
	isKeyMissingError,
	isKeyReuseError,
	isRequestRejectedError,
} from '../errors/guards.js';
import type { FormCall, FormOptions, FormState, FormStatus } from '../types/form.js';
import type { IdemResult } from '../types/result.js';
import { callHook } from '../utils/call-hook.js';
import { mustBe } from '../utils/input.js';
import { isUnknown, submitAction, transition } from './machine.js';
import { checkFormName, contentHash, contentPrefix, formPrefix, mintFormOperation } from './operation-id.js';

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
	try {
		storage ??= globalThis.sessionStorage;
	} catch {
		// A sandboxed frame or blocked site data throws on the mere access: the form works, without reload recovery.
	}
	const controller = new AbortController();
	const { signal } = controller;

	let operation: string | undefined;
	let state: FormState<T> = { status: 'idle', operation };
	let flight: Promise<FormState<T>> | undefined;

	const keep = (next: string | undefined) => {
		operation = next;
		state = { ...state, operation };
		try {
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
	const resend = () => run(() => client.resume<T>(operation as string, { signal }));

	// On load: this tab's operation (sessionStorage), else the newest unfinished one of this form (a closed tab's).
	const ready = (async () => {
		const stored = storage?.getItem(slot);
		const record = (stored && (await client.journal.get(client.scope, stored))) || (await newest(prefix));
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
			let hash: string | undefined;
			try {
				if (unreadable) throw unreadable;
				hash = contentHash(body);
			} catch (error) {
				unreadable = error;
			}
			// Bad input counts as an edit: after an unknown outcome it is held, never sent as a new operation.
			switch (
				submitAction(state.status, !hash || !operation?.startsWith(contentPrefix(name as string, hash)))
			) {
				case 'join':
				case 'show':
					return state;
				case 'hold':
					move('changed-after-unknown');
					return state;
				case 'resend':
					return resend();
				default:
					return hash ? run(() => fresh(body, hash as string)) : run(() => Promise.reject(unreadable), true);
			}
		});
	// A new operation for this content: or the one another tab is sending right now, joined (one request).
	const fresh = async (body: B, hash: string) => {
		const other = await newest(contentPrefix(name as string, hash));
		keep(other?.operation ?? mintFormOperation(name as string, hash));
		return send(body, { operation: operation as string, signal });
	};

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
		retry: () =>
			ready.then(
				() => flight ?? (submitAction(state.status, false) === 'resend' && operation ? resend() : state),
			),
		startOver: () =>
			ready.then(async () => {
				if (flight) return flight;
				const left = operation;
				const unknown = isUnknown(state);
				keep(undefined);
				move('idle');
				// Abandoned, so that no later page finds it and offers it again; a journal that refuses costs only that.
				if (unknown && left) await client.abandon(left, { signal }).catch(() => {});
				return state;
			}),
		dispose: () => controller.abort(),
	};
}
