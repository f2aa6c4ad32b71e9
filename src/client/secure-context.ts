import { InvalidRequestError } from '../errors/classes.js';

/*
Every write is fingerprinted with WebCrypto's SHA-256 (`crypto.subtle.digest`), which browsers expose only in a secure
context (https://, or http://localhost). A page served over plain http:// still has `crypto.getRandomValues`, so keys
could be minted, but the first write would then fail deep inside the call with a bare TypeError. Checked once, at
createClient, so the page's author meets the cause before any user does. A pure-JS SHA-256 fallback was weighed and
left out: it would add ~0.6 KB gzip to every page for the sake of origins that also leak every key and body to the
network.
*/

/** Throws InvalidRequestError (`field: 'crypto.subtle'`) where WebCrypto's digest is missing. */
export function assertSecureContext(): void {
	if (!globalThis.crypto?.subtle?.digest) {
		throw new InvalidRequestError(
			'No crypto.subtle: idemkey needs a secure context (https:// or localhost).',
			{ field: 'crypto.subtle' },
		);
	}
}
