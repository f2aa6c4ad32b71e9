import { usageError } from '../cli-error.js';

// RFC 9110 token: what a header name may be made of.
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** `--header 'Name: value'` flags, in order; a later flag with the same name wins. */
export function parseHeaders(flags: readonly string[]): [string, string][] {
	return flags.map((flag) => {
		const colon = flag.indexOf(':');
		const name = colon === -1 ? '' : flag.slice(0, colon).trim();
		const value = colon === -1 ? '' : flag.slice(colon + 1).trim();
		if (!TOKEN.test(name)) {
			throw usageError(`--header "${flag}" is not "Name: value" (a header name is letters, digits and -).`);
		}
		if (/[\r\n\0]/.test(value)) throw usageError(`--header "${name}" has a line break or NUL in its value.`);
		return [name, value];
	});
}
