import { describe, expect, it } from 'vitest';
import {
	type FormEvent,
	isUnknown,
	SUBMIT_ACTIONS,
	submitAction,
	transition,
} from '../../src/form/machine.js';
import type { FormStatus } from '../../src/types/form.js';

const EVENTS: FormEvent[] = [
	'submit',
	'succeeded',
	'rejected',
	'unknown',
	'edited',
	'reverted',
	'found',
	'restored',
	'start-over',
];

// Every (state, event) pair: a move not listed here is ignored, so a late or stray call cannot reach a wrong state.
const MOVES: Record<FormStatus, Partial<Record<FormEvent, FormStatus>>> = {
	idle: { submit: 'submitting', found: 'unknown', restored: 'succeeded' },
	submitting: { succeeded: 'succeeded', rejected: 'rejected', unknown: 'unknown' },
	succeeded: { submit: 'submitting', 'start-over': 'idle' },
	rejected: { submit: 'submitting', 'start-over': 'idle' },
	unknown: { submit: 'submitting', edited: 'changed-after-unknown', 'start-over': 'idle' },
	'changed-after-unknown': { submit: 'submitting', reverted: 'unknown', 'start-over': 'idle' },
};

describe('the form state machine', () => {
	const cases = Object.entries(MOVES).flatMap(([from, moves]) =>
		EVENTS.map((event) => [from as FormStatus, event, moves[event]] as const),
	);
	it.each(cases)('%s + %s -> %s', (from, event, to) => {
		expect(transition(from, event)).toBe(to);
	});

	it('a submitting form is never started over or edited away from its request', () => {
		expect(transition('submitting', 'start-over')).toBeUndefined();
		expect(transition('submitting', 'edited')).toBeUndefined();
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
