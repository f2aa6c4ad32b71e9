export type BackoffOptions = {
	/** First retry's ceiling in ms. */
	baseDelay: number;
	/** Largest ceiling in ms. */
	maxDelay: number;
};

/**
Full-jitter exponential backoff: a uniform draw in [0, min(maxDelay, baseDelay * 2^retry)). Full jitter spreads a burst of clients that failed together, which is the common case for a flapping upstream.
@param retry - 0 for the first retry.
@param random - a draw in [0, 1).
*/
export function backoffDelay(retry: number, options: BackoffOptions, random: number): number {
	const ceiling = ceilingFor(retry, options);
	return belowCeiling(Math.floor(clampUnit(random) * ceiling), ceiling);
}

/**
Equal-jitter backoff: half the ceiling fixed, half random. Used while the server says "in progress", where a near-zero wait would only burn the budget before the first request can finish.
*/
export function equalJitterDelay(retry: number, options: BackoffOptions, random: number): number {
	const ceiling = ceilingFor(retry, options);
	return belowCeiling(Math.floor(ceiling / 2 + (clampUnit(random) * ceiling) / 2), ceiling);
}

const clampUnit = (value: number) => (Number.isFinite(value) ? Math.max(0, Math.min(value, 1)) : 0);

// A draw of exactly 1 (out of contract, but easy to pass) would reach the ceiling; keep the interval half-open.
const belowCeiling = (delay: number, ceiling: number) => Math.max(0, Math.min(delay, Math.ceil(ceiling) - 1));

const ceilingFor = (retry: number, options: BackoffOptions) =>
	Math.min(options.maxDelay, options.baseDelay * 2 ** Math.min(Math.max(retry || 0, 0), 30));
