// Options and state of guardForm and submitOnce ('idemkey/browser').
import type { JournalRecord } from '../journal/record.js';
import type { AbandonOptions, ResumeAllOptions, ResumeOptions } from './recovery.js';
import type { IdemResult } from './result.js';

/**
Where a form's one operation stands:
- `idle`: nothing submitted yet (or `startOver()` was called);
- `submitting`: a request is on its way; another submit joins it;
- `succeeded`: applied; submitting the unchanged form shows this result again without a request;
- `rejected`: a definite refusal (a 4xx, or bad input caught before sending): not applied, so the next submit is a new
  operation;
- `unknown`: it may or may not have been applied (a lost answer, a reload or a closed tab mid-submit): `retry()`
  resends the stored request under the same key;
- `changed-after-unknown`: as `unknown`, and the form has been edited since: choose `retry()` (the stored request,
  not the edited form) or `startOver()` (the edited form as a new operation). A new key is never minted silently.
*/
export type FormStatus =
	| 'idle'
	| 'submitting'
	| 'succeeded'
	| 'rejected'
	| 'unknown'
	| 'changed-after-unknown';

/** A snapshot of a form's operation: a new object on every change (compare by identity). */
export type FormState<T = unknown> = {
	readonly status: FormStatus;
	/** The operation id (`form:<name>:...`); `undefined` until the first submit and after `startOver()`. */
	readonly operation: string | undefined;
	/** The response, when `succeeded`. */
	readonly result?: IdemResult<T> | undefined;
	/** Why, when `rejected` or `unknown`: the typed error of the call (say `RequestRejectedError`). */
	readonly error?: unknown;
};

/** What `send` gets: spread it into the call (`api.post(path, { json, ...call })`). */
export type FormCall = {
	readonly operation: string;
	/** Aborted by `dispose()`. */
	readonly signal: AbortSignal;
};

/** The part of a client a form uses: an `IdemClient` (createClient) fits. */
export type FormClient = {
	readonly scope: string;
	readonly journal: { get(scope: string, operation: string): Promise<JournalRecord | undefined> };
	pending(options?: Pick<ResumeAllOptions, 'signal'>): Promise<readonly JournalRecord[]>;
	resume<T = unknown>(operation: string, options?: ResumeOptions<T>): Promise<IdemResult<T>>;
	abandon(operation: string, options?: AbandonOptions): Promise<JournalRecord>;
};

/** What guardForm and submitOnce share. */
export type FormOptions<T = unknown> = {
	/** The client `send` calls: its journal is where an unfinished submission is found after a reload. */
	client: FormClient;
	/** Called with every new state (render it). A hook that throws or rejects never reaches the form or the page. */
	onChange?: ((state: FormState<T>) => unknown) | undefined;
	/**
	Keeps this tab's operation id, so a reload finds it. Pass `null` to keep it in memory only.
	@default sessionStorage (memory only where the browser refuses storage)
	*/
	storage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null | undefined;
};

/** The fields of a form as a plain object: a name given more than once (checkboxes) gets an array. */
export type FormFields = Record<string, string | string[]>;

/** Options of `guardForm()`. */
export type GuardFormOptions<T = unknown, B = FormFields> = FormOptions<T> & {
	/**
	Sends the form. Receives the body read from the form (before anything is disabled) and the call's operation and
	signal.
	@example (body, call) => api.post('bookings', { json: body, ...call })
	*/
	send: (body: B, call: FormCall) => Promise<IdemResult<T>>;
	/**
	Names the form's operations (`form:<name>:...`), so a later page finds them. Without ':'.
	@default the form's `name` attribute, else its `id`
	*/
	name?: string | undefined;
	/**
	Reads the body from the form. The default takes every field `FormData` sees (the submitter's too) as text; a file
	input needs a body of your own.
	@default the form's fields as a plain object (FormFields)
	*/
	body?: ((form: HTMLFormElement, submitter: HTMLElement | null) => B) | undefined;
};

/** What `guardForm()` returns. */
export type FormGuard<T = unknown, V = unknown> = {
	/** The current state. */
	readonly state: FormState<T>;
	/** Settles once the unfinished submission of an earlier page (if any) has been looked up. */
	readonly ready: Promise<FormState<T>>;
	/** Submits (as the form's submit event does); resolves to the state it ends in, never rejects. */
	submit(values?: V): Promise<FormState<T>>;
	/** After an `unknown` outcome: resends the stored request under its key (never the form as it now reads). */
	retry(): Promise<FormState<T>>;
	/** Drops the current operation (abandoning it in the journal when its outcome is unknown): the next submit is new. */
	startOver(): Promise<FormState<T>>;
	/** Removes every listener, restores the DOM and cancels what still waits (a sent request stays journaled). */
	dispose(): void;
};

/** What `submitOnce()` returns: call it to submit, with the form's current values. */
export type FormSubmit<T = unknown, V = unknown> = ((values?: V) => Promise<FormState<T>>) &
	Omit<FormGuard<T, V>, 'submit'> & {
		/**
		Tells the guard what the form holds now (call it on input): after an unknown outcome the state turns
		`changed-after-unknown` while it differs from what was sent.
		*/
		edit(values: V): void;
	};
