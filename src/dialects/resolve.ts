import { InvalidRequestError } from '../errors/classes.js';
import { dialects, ietf } from './catalog.js';
import type { Dialect, DialectName } from './types.js';

export function resolveDialect(dialect: DialectName | Dialect | undefined): Dialect {
	if (dialect === undefined) return ietf;
	if (typeof dialect !== 'string') return dialect;
	const found = dialects[dialect];
	if (!found) {
		throw new InvalidRequestError(
			`Unknown dialect "${dialect}". Use one of ${Object.keys(dialects).join(', ')}, or pass a Dialect object from defineDialect().`,
			{ field: 'dialect' },
		);
	}
	return found;
}
