/*
The longest hint kept, in ms. RFC 9111 §1.2.2 has a recipient read any delta-seconds it cannot represent as 2^31
seconds; every larger hint (seconds, ms or a date) is read the same way. A huge hint is still a hint: it says "not
before then", which ends the call at once with the hint on the error rather than retrying on our own schedule.
*/
const MAX_HINT_MS = 2 ** 31 * 1000;

const DELTA_SECONDS = /^\d+$/;
const MILLISECONDS = /^\d+(\.\d+)?$/;

const capped = (ms: number) => Math.min(Math.ceil(ms), MAX_HINT_MS);

/**
Reads the server's wait hint, in ms: `retry-after-ms` (float ms), then `Retry-After` as delta-seconds or an HTTP-date. Garbage and negative values give `undefined` (no hint) so the caller falls back to its own backoff; a date in the past gives 0; a valid but huge value (a date a year out, 10^9 seconds) is kept, capped at 2^31 seconds, so the caller can see it exceeds the time left.
*/
export function parseRetryAfter(headers: Headers, now: number): number | undefined {
	const ms = headers.get('retry-after-ms')?.trim();
	if (ms && MILLISECONDS.test(ms)) return capped(Number(ms));
	const raw = headers.get('retry-after')?.trim();
	if (!raw) return undefined;
	if (DELTA_SECONDS.test(raw)) return capped(Number(raw) * 1000);
	const at = parseHttpDate(raw);
	if (at === undefined) return undefined;
	return capped(Math.max(at - now, 0));
}

// RFC 9110 §5.6.7: recipients accept IMF-fixdate and the two obsolete forms. Each is matched by shape first, so
// Date.parse's leniency never turns "5 minutes" into a date; asctime carries no zone, and is GMT by definition.
const IMF_OR_RFC850 = /^[A-Za-z]{3,9},\s.*GMT$/;
const ASCTIME = /^[A-Za-z]{3} [A-Za-z]{3} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/;

function parseHttpDate(raw: string): number | undefined {
	const text = IMF_OR_RFC850.test(raw) ? raw : ASCTIME.test(raw) ? `${raw} GMT` : undefined;
	if (text === undefined) return undefined;
	const at = Date.parse(text);
	return Number.isNaN(at) ? undefined : at;
}
