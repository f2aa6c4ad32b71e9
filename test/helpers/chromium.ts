import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`): the tests never download a browser. */
export const CHROMIUM = '/usr/bin/chromium';

/**
A hostname Chromium resolves to 127.0.0.1 (see the resolver rule below). A page served under it is NOT a secure
context: Chromium treats only `localhost` and literal loopback addresses as potentially trustworthy, so this is how a
loopback test reaches the insecure-origin behaviour of a page served over plain http from a real host name.
*/
export const INSECURE_HOST = 'insecure.idemkey.test';

/** Launches headless Chromium, or fails saying how to install it. One per test file: contexts isolate the tests. */
export async function launchChromium(): Promise<Browser> {
	if (!existsSync(CHROMIUM)) {
		throw new Error(
			`Chromium is not installed at ${CHROMIUM}: the browser tests drive a real Chromium. Install the Debian package (apt-get install chromium) or run \`npm test\`, which installs it.`,
		);
	}
	return chromium.launch({
		executablePath: CHROMIUM,
		headless: true,
		args: [
			// Chromium's sandbox refuses to start as root (CI containers run as root).
			...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
			`--host-resolver-rules=MAP ${INSECURE_HOST} 127.0.0.1`,
		],
	});
}
