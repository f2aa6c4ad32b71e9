import type { HeadersInit } from '../client/types.js';

const SECRET_NAMES = new Set([
	'authorization',
	'proxy-authorization',
	'cookie',
	'set-cookie',
	'x-api-key',
	'api-key',
	'apikey',
	'x-auth-token',
	'x-csrf-token',
	'x-xsrf-token',
]);
// Catches vendor variants (X-Stripe-Secret, X-Bardge-Api-Key, X-Session-Token) without listing every vendor.
const SECRET_PATTERN = /(auth|token|secret|passw|session|cookie|api[-_]?key|signature)/i;

/** Headers that must never reach a journal. */
export const isSecretHeader = (name: string): boolean =>
	SECRET_NAMES.has(name.toLowerCase()) || SECRET_PATTERN.test(name);

export function mergeHeaders(...inits: (HeadersInit | undefined)[]): Headers {
	const out = new Headers();
	for (const init of inits) {
		if (!init) continue;
		const entries =
			init instanceof Headers ? init.entries() : Array.isArray(init) ? init : Object.entries(init);
		for (const [name, value] of entries) {
			if (value === undefined) out.delete(name);
			else out.set(name, value);
		}
	}
	return out;
}

/** Header pairs safe to persist. */
export const persistableHeaders = (headers: Headers): [string, string][] =>
	[...headers].filter(([name]) => !isSecretHeader(name));
