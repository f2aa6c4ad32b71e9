import { describe, expect, it } from 'vitest';
import { dialectHarness } from './harness.js';

const BASE = 'https://repull.api.test/v1/';

const { serve, client } = dialectHarness('repull', BASE);

describe('repull: keys are kept per workspace', () => {
	it('keeps keys per workspace: the same key from two workspaces is two requests', async () => {
		const state = serve();
		const one = client({ headers: { authorization: 'Bearer ws-1' } });
		const two = client({ headers: { authorization: 'Bearer ws-2' } });
		const a = await one.post('bookings', { json: {}, key: 'same' });
		const b = await two.post('bookings', { json: {}, key: 'same' });
		expect([a.replayed, b.replayed]).toEqual([false, false]);
		expect(state.effects.get('same')).toBe(2);
	});
});
