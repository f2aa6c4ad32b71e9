import type { JournalRecord } from '../../journal/record.js';
import { isSecretHeader } from '../../utils/headers.js';
import { credentialParam, hasUserInfo } from '../../utils/url.js';

export const REDACTED = '[redacted]';

/**
The record as shown, whatever wrote it: idemkey journals request headers from an allow-list and refuses URLs with
credentials, so its own records hold none; a record from an older version, another program or a hand edit might.
Inspect output ends up in tickets and chat, so a credential-looking header value and a credential query value are
replaced by {@link REDACTED} and URL user info is cut; `redacted` names what was, so the command can say the record needs attention.
*/
export function withoutCredentials(record: JournalRecord): { record: JournalRecord; redacted: string[] } {
	const redacted: string[] = [];
	const headers = (pairs: [string, string][], where: string): [string, string][] =>
		pairs.map(([name, value]) => {
			if (!isSecretHeader(name)) return [name, value];
			redacted.push(`${where} header ${name}`);
			return [name, REDACTED];
		});
	const shown: JournalRecord = { ...record };
	if (record.request) {
		shown.request = {
			...record.request,
			url: urlWithoutCredentials(record.request.url, redacted),
			headers: headers(record.request.headers, 'request'),
		};
	}
	if (record.outcome)
		shown.outcome = { ...record.outcome, headers: headers(record.outcome.headers, 'response') };
	return { record: shown, redacted };
}

function urlWithoutCredentials(text: string, redacted: string[]): string {
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		// Not a URL this version could have sent: nothing in it is shown but its length.
		redacted.push('an unparseable request URL');
		return `${REDACTED} (${text.length} characters)`;
	}
	if (hasUserInfo(url)) {
		redacted.push('the user info of the request URL');
		url.username = '';
		url.password = '';
	}
	for (;;) {
		const name = credentialParam([...url.searchParams].filter(([, value]) => value !== REDACTED));
		if (name === undefined) break;
		redacted.push(`query parameter ${name}`);
		url.searchParams.set(name, REDACTED);
	}
	// The marker reads as itself, not percent-encoded as a query value would be.
	return url.href.replaceAll(encodeURIComponent(REDACTED), REDACTED);
}
