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
	if (typeof globalThis.crypto?.subtle?.digest === 'function') return;
	const secure = (globalThis as { isSecureContext?: boolean }).isSecureContext;
	throw new InvalidRequestError(
		`idemkey needs WebCrypto (crypto.subtle) to fingerprint requests, and ${
			secure === false
				? 'this page is not a secure context, where browsers leave it out'
				: 'this runtime has none'
		}: serve the page over https:// (or http://localhost during development).`,
		{ field: 'crypto.subtle' },
	);
}
