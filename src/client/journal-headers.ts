import { InvalidRequestError } from '../errors/classes.js';
import { isSecretHeader, TOKEN } from '../utils/headers.js';

/**
The client's `journalHeaders`, checked: header names a record keeps beside the built-in allow-list (one of those
named again is harmless: persistableHeaders keeps a header either names). A name that looks like a credential is
refused rather than dropped, so a caller who asked for one learns at once that it will not be kept (the resuming client
supplies credentials from its own headers).
*/
export function journalHeaderSet(names: readonly string[] | undefined): ReadonlySet<string> {
	const out = new Set<string>();
	for (const name of names ?? []) {
		if (!TOKEN.test(name) || isSecretHeader(name)) {
			const why = TOKEN.test(name)
				? 'looks like a credential, and those are never journaled'
				: 'is not a header name';
			throw new InvalidRequestError(`journalHeaders: "${name}" ${why}.`, { field: 'journalHeaders' });
		}
		out.add(name.toLowerCase());
	}
	return out;
}
