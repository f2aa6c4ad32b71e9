import { describe, expect, it } from 'vitest';
import { isUnknown, SUBMIT_ACTIONS, submitAction, transition } from '../../src/form/machine.js';
import type { FormStatus } from '../../src/types/form.js';

const STATES: FormStatus[] = [
	'idle',
	'submitting',
	'succeeded',
	'rejected',
	'unknown',
	'changed-after-unknown',
];

// Every (from, to) pair: a move not listed here is ignored, so a late or stray call cannot reach a wrong state.
const ALLOWED: Record<FormStatus, FormStatus[]> = {
	idle: ['submitting', 'unknown', 'succeeded'], // a submit; on load, what the journal holds of the last one
	submitting: ['succeeded', 'rejected', 'unknown'],
	succeeded: ['submitting', 'idle'],
	rejected: ['submitting', 'idle'],
	unknown: ['submitting', 'changed-after-unknown', 'idle'],
	'changed-after-unknown': ['submitting', 'unknown', 'idle'],
};

describe('the form state machine', () => {
	const cases = STATES.flatMap((from) =>
		STATES.map((to) => [from, to, ALLOWED[from].includes(to) ? to : undefined] as const),
	);
	it.each(cases)('%s -> %s: %s', (from, to, result) => {
		expect(transition(from, to)).toBe(result);
	});

	it('a submitting form is never started over nor sent again before its answer', () => {
		expect(transition('submitting', 'idle')).toBeUndefined();
		expect(transition('submitting', 'submitting')).toBeUndefined();
	});

	it('an unknown outcome is left only by a request (retry) or by startOver: never straight to a new result', () => {
		for (const from of ['unknown', 'changed-after-unknown'] as const) {
			expect(transition(from, 'succeeded')).toBeUndefined();
			expect(transition(from, 'rejected')).toBeUndefined();
		}
	});
});

describe('what a submit does', () => {
	it.each([
		['idle', false, 'send'],
		['idle', true, 'send'],
		['submitting', false, 'join'],
		['submitting', true, 'join'],
		['succeeded', false, 'show'],
		['succeeded', true, 'send'],
		['rejected', false, 'send'],
		['rejected', true, 'send'],
		['unknown', false, 'resend'],
		['unknown', true, 'hold'],
		['changed-after-unknown', false, 'resend'],
		['changed-after-unknown', true, 'hold'],
	] as const)('%s, changed %s: %s', (status, changed, action) => {
		expect(submitAction(status, changed)).toBe(action);
	});

	it('after an unknown outcome no submit mints a new operation, whatever the form holds', () => {
		for (const status of ['unknown', 'changed-after-unknown'] as const) {
			expect(SUBMIT_ACTIONS[status]).not.toContain('send');
			expect(isUnknown({ status })).toBe(true);
		}
		expect(isUnknown({ status: 'succeeded' })).toBe(false);
	});
});
