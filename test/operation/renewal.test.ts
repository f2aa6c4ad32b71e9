import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { renewEvery } from '../../src/operation/renewal.js';

beforeEach(() => {
	vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});
afterEach(() => {
	vi.useRealTimers();
});

/** Runs `renewEvery(300, ...)` over `ms` of virtual time with renewals answering `answers` in turn; how many ran. */
async function renewalsOver(ms: number, answers: ('ours' | 'taken' | 'failed')[]): Promise<number> {
	let calls = 0;
	const stop = renewEvery(300, async () => {
		const answer = answers[calls++] ?? 'ours';
		if (answer === 'failed') throw new Error('journal unreachable');
		return answer === 'ours';
	});
	await vi.advanceTimersByTimeAsync(ms);
	stop();
	return calls;
}

describe('renewEvery', () => {
	it.each<[string, ('ours' | 'taken' | 'failed')[], number]>([
		['renews every third of the lease while the lease is ours', [], 5],
		['tries again at the next third after a renewal that failed', ['failed', 'failed'], 5],
		['renews no more once the lease was taken over', ['ours', 'taken'], 2],
		['renews no more when the first renewal finds it taken over', ['taken'], 1],
	])('%s', async (_, answers, expected) => {
		expect(await renewalsOver(500, answers)).toBe(expected);
	});

	it('renews no more once stopped', async () => {
		let calls = 0;
		const stop = renewEvery(300, async () => {
			calls++;
			return true;
		});
		await vi.advanceTimersByTimeAsync(250);
		stop();
		await vi.advanceTimersByTimeAsync(1_000);
		expect(calls).toBe(2);
	});
});
