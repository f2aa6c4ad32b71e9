// A server asking for more than a day is not asking for a retry; treat it as "no usable hint".
const MAX_HINT_MS = 86_400_000;

const DELTA_SECONDS = /^\d{1,10}$/;
const MILLISECONDS = /^\d{1,12}(\.\d+)?$/;

/**
Reads the server's wait hint, in ms: `retry-after-ms` (float ms), then `Retry-After` as delta-seconds or an HTTP-date. Garbage, negative, or absurd values give `undefined` so the caller falls back to its own backoff; a date in the past gives 0.
*/
export function parseRetryAfter(headers: Headers, now: number): number | undefined {
	const ms = headers.get('retry-after-ms')?.trim();
	if (ms && MILLISECONDS.test(ms)) {
		const value = Math.ceil(Number(ms));
		if (value <= MAX_HINT_MS) return value;
	}
	const raw = headers.get('retry-after')?.trim();
	if (!raw) return undefined;
	if (DELTA_SECONDS.test(raw)) {
		const value = Number(raw) * 1000;
		return value <= MAX_HINT_MS ? value : undefined;
	}
	const at = parseHttpDate(raw);
	if (at === undefined) return undefined;
	const delta = at - now;
	if (delta <= 0) return 0;
	return delta <= MAX_HINT_MS ? delta : undefined;
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
