import { describe, expect, it } from 'vitest';
import { DialectState } from '../../src/testing/index.js';
import { decodeState, encodeState } from '../../src/testing/state-file.js';

describe('the emulator state file', () => {
	it('keeps a stored answer but not a key whose first request was still running: after a restart it is new', () => {
		const state = new DialectState();
		const done = state.claim('\u0000k1', 'POST /bookings\n{}');
		done.response = { status: 201, headers: [['content-type', 'application/json']], body: '{"id":"b1"}' };
		state.claim('\u0000k2', 'POST /bookings\n{}'); // its connection goes with the restart

		const restored = new DialectState();
		decodeState(encodeState(state, 'stripe'), 'state.json', 'stripe', restored);

		expect([...restored.keys.keys()]).toEqual(['\u0000k1']);
		expect(restored.keys.get('\u0000k1')?.response).toEqual(done.response);
	});
});
