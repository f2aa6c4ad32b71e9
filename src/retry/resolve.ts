import { InvalidRequestError } from '../errors/classes.js';
import { DEFAULT_RETRY, type RetryPolicy } from './policy.js';

const LIMITS: Record<keyof RetryPolicy, [min: number, max: number]> = {
	limit: [0, 100],
	inProgressLimit: [0, 1000],
	baseDelay: [0, 3_600_000],
	maxDelay: [0, 3_600_000],
	inProgressDelay: [0, 3_600_000],
	maxRetryTime: [1, 86_400_000],
};

const refuse = (message: string) => new InvalidRequestError(message, { field: 'retry' });

/** Merges overrides onto `base`, refusing values that would make the loop unbounded or meaningless. */
export function resolvePolicy(
	base: RetryPolicy = DEFAULT_RETRY,
	override?: Partial<RetryPolicy>,
): RetryPolicy {
	if (!override) return base;
	const merged = { ...base };
	for (const [name, value] of Object.entries(override) as [keyof RetryPolicy, unknown][]) {
		if (value === undefined) continue;
		// Own keys only: `constructor`, `toString` or `__proto__` must not find Object.prototype and slip through.
		const range = Object.hasOwn(LIMITS, name) ? LIMITS[name] : undefined;
		if (!range) {
			throw refuse(`Unknown retry option "${name}"; expected one of ${Object.keys(LIMITS).join(', ')}.`);
		}
		if (typeof value !== 'number' || !Number.isFinite(value) || value < range[0] || value > range[1]) {
			throw refuse(`retry.${name} must be a number from ${range[0]} to ${range[1]}; got ${String(value)}.`);
		}
		merged[name] = name === 'limit' || name === 'inProgressLimit' ? Math.floor(value) : value;
	}
	return merged;
}
