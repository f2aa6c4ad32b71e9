import type { Dialect } from '../dialects/types.js';
import { InvalidRequestError } from '../errors/classes.js';

/** Throws `InvalidRequestError` (field `key`) when the dialect's server would refuse this key. */
export function assertValidKey(key: unknown, dialect: Dialect, operation?: string): asserts key is string {
	const fail = (why: string) => {
		throw new InvalidRequestError(`Invalid Idempotency-Key for the ${dialect.name} dialect: ${why}.`, {
			field: 'key',
			operation,
		});
	};
	if (typeof key !== 'string') fail(`expected a string, got ${key === null ? 'null' : typeof key}`);
	const value = key as string;
	if (value.length === 0) fail('it is empty');
	if (value.length > dialect.keyMaxLength) {
		fail(`it is ${value.length} characters long; the limit is ${dialect.keyMaxLength}`);
	}
	if (!dialect.keyPattern.test(value)) {
		fail(
			'it contains characters the server does not accept (use visible ASCII without spaces, quotes, commas, semicolons or backslashes; a UUID always fits)',
		);
	}
}
