import { InvalidRequestError } from '../errors/classes.js';
import { isDialect } from './build.js';
import { dialects, ietf } from './catalog.js';
import type { Dialect, DialectName } from './types.js';

/** The dialect a client was given: a built-in name, or an object made by `defineDialect()`. */
export function resolveDialect(dialect: DialectName | Dialect | undefined): Dialect {
	if (dialect === undefined) return ietf;
	if (typeof dialect === 'string') {
		// Own names only: 'toString' or '__proto__' must not find Object.prototype's members.
		const found = Object.hasOwn(dialects, dialect) ? dialects[dialect] : undefined;
		if (found) return found;
		throw new InvalidRequestError(
			`Unknown dialect "${dialect}": use one of ${Object.keys(dialects).join(', ')}, or defineDialect().`,
			{ field: 'dialect' },
		);
	}
	if (isDialect(dialect)) return dialect;
	throw new InvalidRequestError(
		'The dialect must be a built-in name or made by defineDialect(), which checks it: defineDialect({ ...stripe, name: "my-stripe" }) changes a built-in one.',
		{ field: 'dialect' },
	);
}
