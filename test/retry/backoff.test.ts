import { describe, expect, it } from 'vitest';
import { backoffDelay, equalJitterDelay } from '../../src/retry/backoff.js';

const options = { baseDelay: 300, maxDelay: 10_000 };
const ceiling = (retry: number) => Math.min(options.maxDelay, options.baseDelay * 2 ** retry);
const draws = [0, 1e-9, 0.25, 0.5, 0.75, 0.999999, 1 - Number.EPSILON];

describe('backoffDelay (full jitter)', () => {
	it.each([
		{ retry: 0, random: 0, delay: 0 },
		{ retry: 0, random: 0.5, delay: 150 },
		{ retry: 1, random: 0.5, delay: 300 },
		{ retry: 2, random: 0.5, delay: 600 },
		{ retry: 3, random: 0.25, delay: 600 },
		{ retry: 10, random: 0.5, delay: 5_000 },
		{ retry: 1000, random: 0.5, delay: 5_000 },
	])('retry $retry with draw $random waits $delay ms', ({ retry, random, delay }) => {
		expect(backoffDelay(retry, options, random)).toBe(delay);
	});

	it('stays in [0, min(maxDelay, baseDelay * 2^retry)) for every draw', () => {
		for (let retry = 0; retry < 40; retry++) {
			for (const random of draws) {
				const delay = backoffDelay(retry, options, random);
				expect(Number.isInteger(delay)).toBe(true);
				expect(delay).toBeGreaterThanOrEqual(0);
				expect(delay).toBeLessThan(ceiling(retry));
			}
		}
	});

	it('has a ceiling that never shrinks as retries grow and stops at maxDelay', () => {
		const tops = Array.from({ length: 60 }, (_, retry) => backoffDelay(retry, options, 1 - Number.EPSILON));
		for (let i = 1; i < tops.length; i++) expect(tops[i]).toBeGreaterThanOrEqual(tops[i - 1] ?? 0);
		expect(tops[0]).toBe(299);
		expect(tops.at(-1)).toBe(9_999);
	});

	it.each([
		{ what: 'a draw of exactly 1', random: 1 },
		{ what: 'a draw above 1', random: 7 },
		{ what: 'Infinity', random: Number.POSITIVE_INFINITY },
	])('keeps $what below the ceiling', ({ random }) => {
		for (const retry of [0, 3, 50]) {
			const delay = backoffDelay(retry, options, random);
			expect(delay).toBeGreaterThanOrEqual(0);
			expect(delay).toBeLessThan(ceiling(retry));
		}
	});

	it.each([
		{ what: 'NaN', random: Number.NaN },
		{ what: 'a negative draw', random: -0.5 },
		{ what: '-Infinity', random: Number.NEGATIVE_INFINITY },
	])('treats $what as no wait rather than a NaN or negative delay', ({ random }) => {
		expect(backoffDelay(4, options, random)).toBe(0);
	});

	it.each([{ retry: -3 }, { retry: Number.NaN }])(
		'treats a retry count of $retry as the first retry',
		({ retry }) => {
			expect(backoffDelay(retry, options, 0.5)).toBe(150);
			expect(equalJitterDelay(retry, options, 0)).toBe(150);
		},
	);

	it('waits nothing when the base delay is 0', () => {
		expect(backoffDelay(5, { baseDelay: 0, maxDelay: 10_000 }, 0.9)).toBe(0);
		expect(backoffDelay(5, { baseDelay: 0, maxDelay: 10_000 }, 1)).toBe(0);
		// Past 2^1024 the doubling overflows to Infinity, and 0 * Infinity is NaN: the exponent must be capped.
		expect(backoffDelay(5_000, { baseDelay: 0, maxDelay: 10_000 }, 0.9)).toBe(0);
		expect(equalJitterDelay(5_000, { baseDelay: 0, maxDelay: 10_000 }, 0.9)).toBe(0);
	});
});

describe('equalJitterDelay', () => {
	it.each([
		{ retry: 0, random: 0, delay: 150 },
		{ retry: 0, random: 0.5, delay: 225 },
		{ retry: 2, random: 0, delay: 600 },
		{ retry: 20, random: 0, delay: 5_000 },
	])('retry $retry with draw $random waits $delay ms', ({ retry, random, delay }) => {
		expect(equalJitterDelay(retry, options, random)).toBe(delay);
	});

	it('stays in [ceiling/2, ceiling) for every draw', () => {
		for (let retry = 0; retry < 40; retry++) {
			for (const random of [...draws, 1, 2, Number.NaN, -1]) {
				const delay = equalJitterDelay(retry, options, random);
				expect(Number.isInteger(delay)).toBe(true);
				expect(delay).toBeGreaterThanOrEqual(Math.floor(ceiling(retry) / 2));
				expect(delay).toBeLessThan(ceiling(retry));
			}
		}
	});

	it('never waits less than half the ceiling, so in-progress retries do not burn the budget', () => {
		for (const random of [0, Number.NaN, -1]) expect(equalJitterDelay(3, options, random)).toBe(1_200);
	});

	it('has a floor that never shrinks as retries grow', () => {
		const floors = Array.from({ length: 40 }, (_, retry) => equalJitterDelay(retry, options, 0));
		for (let i = 1; i < floors.length; i++) expect(floors[i]).toBeGreaterThanOrEqual(floors[i - 1] ?? 0);
		expect(floors.at(-1)).toBe(5_000);
	});
});
