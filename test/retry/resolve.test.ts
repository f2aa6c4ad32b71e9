import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../src/errors/classes.js';
import { DEFAULT_RETRY, type RetryPolicy } from '../../src/retry/policy.js';
import { resolvePolicy } from '../../src/retry/resolve.js';

const refuse = (override: unknown) => {
	try {
		resolvePolicy(DEFAULT_RETRY, override as Partial<RetryPolicy>);
	} catch (error) {
		return error;
	}
	throw new Error(`resolvePolicy accepted ${JSON.stringify(override)}`);
};

describe('resolvePolicy', () => {
	it('returns the base policy when there is no override', () => {
		expect(resolvePolicy(DEFAULT_RETRY)).toEqual(DEFAULT_RETRY);
		expect(resolvePolicy(DEFAULT_RETRY, {})).toEqual(DEFAULT_RETRY);
		expect(resolvePolicy()).toEqual(DEFAULT_RETRY);
	});

	it('merges overrides onto the base and leaves the base untouched', () => {
		const base = { ...DEFAULT_RETRY };
		const merged = resolvePolicy(base, { limit: 2, maxRetryTime: 5_000 });
		expect(merged).toEqual({ ...DEFAULT_RETRY, limit: 2, maxRetryTime: 5_000 });
		expect(base).toEqual(DEFAULT_RETRY);
	});

	it('skips fields set to undefined', () => {
		expect(resolvePolicy(DEFAULT_RETRY, { limit: undefined } as unknown as Partial<RetryPolicy>)).toEqual(
			DEFAULT_RETRY,
		);
	});

	it('rounds the retry counts down to whole retries', () => {
		const merged = resolvePolicy(DEFAULT_RETRY, { limit: 2.9, inProgressLimit: 3.5 });
		expect(merged.limit).toBe(2);
		expect(merged.inProgressLimit).toBe(3);
	});

	it('keeps fractional delays as given: only the counts are rounded', () => {
		const merged = resolvePolicy(DEFAULT_RETRY, {
			baseDelay: 12.5,
			maxDelay: 99.9,
			inProgressDelay: 0.5,
			maxRetryTime: 1.5,
		});
		expect(merged).toEqual({
			...DEFAULT_RETRY,
			baseDelay: 12.5,
			maxDelay: 99.9,
			inProgressDelay: 0.5,
			maxRetryTime: 1.5,
		});
	});

	it.each([
		{ override: { limit: 0 } },
		{ override: { inProgressLimit: 0 } },
		{ override: { baseDelay: 0, maxDelay: 0, inProgressDelay: 0 } },
		{ override: { maxRetryTime: 1 } },
		{ override: { limit: 100, inProgressLimit: 1000, maxRetryTime: 86_400_000 } },
	])('accepts the boundary values $override', ({ override }) => {
		expect(resolvePolicy(DEFAULT_RETRY, override)).toMatchObject(override);
	});

	it.each([
		{ what: 'NaN limit', override: { limit: Number.NaN } },
		{ what: 'NaN baseDelay', override: { baseDelay: Number.NaN } },
		{ what: 'negative limit', override: { limit: -1 } },
		{ what: 'negative inProgressLimit', override: { inProgressLimit: -1 } },
		{ what: 'negative baseDelay', override: { baseDelay: -10 } },
		{ what: 'negative maxDelay', override: { maxDelay: -10 } },
		{ what: 'negative inProgressDelay', override: { inProgressDelay: -10 } },
		{ what: 'negative maxRetryTime', override: { maxRetryTime: -1 } },
		{ what: 'zero maxRetryTime', override: { maxRetryTime: 0 } },
		{ what: 'infinite maxRetryTime', override: { maxRetryTime: Number.POSITIVE_INFINITY } },
		{ what: 'infinite limit', override: { limit: Number.POSITIVE_INFINITY } },
		{ what: 'limit above 100', override: { limit: 101 } },
		{ what: 'maxRetryTime above a day', override: { maxRetryTime: 86_400_001 } },
		{ what: 'numeric string', override: { limit: '3' } },
		{ what: 'null value', override: { limit: null } },
		{ what: 'boolean value', override: { baseDelay: true } },
		{ what: 'unknown field', override: { retries: 3 } },
		{ what: 'misspelt field', override: { maxRetryTimeout: 3 } },
		{ what: 'inherited name constructor', override: { constructor: 3 } },
		{ what: 'inherited name toString', override: { toString: 3 } },
		{ what: 'own __proto__ key', override: JSON.parse('{"__proto__": 3}') as unknown },
	])('refuses $what with InvalidRequestError on field retry', ({ override }) => {
		const error = refuse(override);
		expect(error).toBeInstanceOf(InvalidRequestError);
		expect(error).toMatchObject({ name: 'InvalidRequestError', code: 'invalid_request', field: 'retry' });
	});

	it('names the bad option and the allowed range in the message', () => {
		expect((refuse({ limit: -1 }) as Error).message).toMatch(/retry\.limit.*0 to 100.*-1/);
		expect((refuse({ retries: 3 }) as Error).message).toMatch(/"retries".*limit/);
	});
});
