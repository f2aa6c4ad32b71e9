import type { FormStatus } from '../types/form.js';

/*
The life of one form's operation, as data: guardForm (DOM) and submitOnce (framework handlers) run the same table,
and the table is tested as a table. Each state lists the states it may move to; a move the table does not list is
ignored (a late answer after startOver(), an edit while nothing is unknown), so the UI can call anything at any time
without reaching an impossible state. What moves it:
- to `submitting`: a request leaves (a new operation, or the unknown one resent);
- from `submitting`: the answer (or its absence);
- from `idle` to `unknown` or `succeeded`: on load, the journal's record of this form's last submission;
- between `unknown` and `changed-after-unknown`: the form edited away from what was sent, or back to it;
- to `idle`: startOver().
*/
export const TRANSITIONS: Readonly<Record<FormStatus, readonly FormStatus[]>> = {
	idle: ['submitting', 'unknown', 'succeeded'],
	submitting: ['succeeded', 'rejected', 'unknown'],
	succeeded: ['submitting', 'idle'],
	rejected: ['submitting', 'idle'],
	unknown: ['submitting', 'changed-after-unknown', 'idle'],
	'changed-after-unknown': ['submitting', 'unknown', 'idle'],
};

/** The state after a move to `to`: `to`, or `undefined` where the table does not allow it. */
export const transition = (from: FormStatus, to: FormStatus): FormStatus | undefined =>
	TRANSITIONS[from].includes(to) ? to : undefined;

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
