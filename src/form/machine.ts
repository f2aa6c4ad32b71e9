import type { FormStatus } from '../types/form.js';

/*
The life of one form's operation, as data: guardForm (DOM) and submitOnce (framework handlers) run the same table,
and the table is tested as a table. A move the table does not list is ignored (a late answer after startOver(), a
retry() with nothing to retry): the UI can call anything at any time without reaching an impossible state.
*/

export type FormEvent =
	| 'submit' // a request leaves (a new operation, or the unknown one resent)
	| 'succeeded'
	| 'rejected'
	| 'unknown'
	| 'edited' // the form now differs from what the unknown request sent
	| 'reverted' // ... and is back to it
	| 'found' // on load: an unfinished submission of this form
	| 'restored' // on load: this tab's submission had succeeded
	| 'start-over';

export const TRANSITIONS: Readonly<Record<FormStatus, Partial<Record<FormEvent, FormStatus>>>> = {
	idle: { submit: 'submitting', found: 'unknown', restored: 'succeeded' },
	submitting: { succeeded: 'succeeded', rejected: 'rejected', unknown: 'unknown' },
	succeeded: { 'start-over': 'idle', submit: 'submitting' },
	rejected: { 'start-over': 'idle', submit: 'submitting' },
	unknown: { 'start-over': 'idle', submit: 'submitting', edited: 'changed-after-unknown' },
	'changed-after-unknown': { 'start-over': 'idle', submit: 'submitting', reverted: 'unknown' },
};

export const transition = (status: FormStatus, event: FormEvent): FormStatus | undefined =>
	TRANSITIONS[status][event];

/**
What a submit does, by state and by whether the form differs from what the current operation sent:
- `join` the request on its way; `show` the result again, no request; `send` a new operation;
- `resend` the stored request under its key; `hold`: report the edit and send nothing (the page chooses).
*/
export type SubmitAction = 'join' | 'show' | 'send' | 'resend' | 'hold';

export const SUBMIT_ACTIONS: Readonly<
	Record<FormStatus, readonly [unchanged: SubmitAction, changed: SubmitAction]>
> = {
	idle: ['send', 'send'],
	submitting: ['join', 'join'],
	succeeded: ['show', 'send'],
	// Not applied: a new key is safe, and the server may answer differently now (a class with a seat free).
	rejected: ['send', 'send'],
	unknown: ['resend', 'hold'],
	'changed-after-unknown': ['resend', 'hold'],
};

export const submitAction = (status: FormStatus, changed: boolean): SubmitAction =>
	SUBMIT_ACTIONS[status][changed ? 1 : 0];

/** `unknown` or `changed-after-unknown`: what `retry()` resends and an edit is reported against. */
export const isUnknown = (state: { status: FormStatus }): boolean =>
	submitAction(state.status, false) === 'resend';
