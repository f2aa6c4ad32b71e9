/*
The browser build's `failedBeforeSending` (see not-sent.ts, and scripts/browser-variants.ts for how it replaces it). A
browser's fetch fails with one opaque TypeError ("Failed to fetch", "Load failed"), whatever went wrong and whenever:
it names no socket error, so no failure proves that nothing left. Every failure stays "may have reached the server",
which is what not-sent.ts answers for an error it cannot read too.
*/

/** Never provable in a browser: see above. */
export const failedBeforeSending = (_error: unknown): boolean => false;
