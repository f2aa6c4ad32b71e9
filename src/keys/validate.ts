import type { Dialect } from '../dialects/types.js';
import { InvalidRequestError } from '../errors/classes.js';

/** Throws `InvalidRequestError` (field `key`) when the dialect's server would refuse this key. */
export function assertValidKey(key: unknown, dialect: Dialect, operation?: string): asserts key is string {
	const why = keyProblem(key, dialect.keyMaxLength, dialect.keyPattern);
	if (why !== undefined) {
		throw new InvalidRequestError(`Invalid Idempotency-Key for the ${dialect.name} dialect: ${why}.`, {
			field: 'key',
			operation,
		});
	}
}

function keyProblem(key: unknown, maxLength: number, pattern: RegExp): string | undefined {
	if (typeof key !== 'string') return `expected a string, got ${key === null ? 'null' : typeof key}`;
	if (key === '') return 'it is empty';
	if (key.length > maxLength) return `it is ${key.length} characters long; the limit is ${maxLength}`;
	if (!pattern.test(key)) {
		return 'use visible ASCII without spaces, quotes, commas, semicolons or backslashes (a UUID always fits)';
	}
	return undefined;
}
