import { expect, it } from 'vitest';
import { bookClass, bookOrExplain } from './getting-started.js';
import { mockApi } from './mock-api.js';

const serve = mockApi();

it('books once through a lost answer, then answers a rerun from the journal', async () => {
	const state = serve({ faults: ['drop-after-commit'] });
	const first = await bookClass('u42', 'c7');
	const again = await bookClass('u42', 'c7');
	expect(first).toEqual(again);
	expect(state.requests).toHaveLength(2);
	expect(state.effectCount).toBe(1);
});

it('explains a definite rejection', async () => {
	serve({ faults: [{ status: 422, body: { error: 'validation_failed' } }] });
	await expect(bookOrExplain('u1', 'c1')).resolves.toBe('rejected with 422 (validation_failed)');
});
