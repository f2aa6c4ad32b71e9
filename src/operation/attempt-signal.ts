/*
The attempt's abort signal reaches fetch beside ky rather than through its `signal` option. Given a signal, ky
combines it with its own controller (AbortSignal.any) and fetch then follows that composite through weak references:
together about a fifth of a request's CPU and much of its garbage. ky hands options it does not know to fetch as
they are, so the signal travels under its own name and the client's fetch wrapper turns it back into `signal`.
ky's controller only fires on ky's own timeouts, which idemkey turns off.
*/
const ATTEMPT_SIGNAL = 'idemkeyAttemptSignal';

/** Options for one ky call that carry the attempt's signal to fetch (ky's types do not know the name). */
export function withAttemptSignal(signal: AbortSignal): Record<string, AbortSignal> {
	return { [ATTEMPT_SIGNAL]: signal };
}

/**
The fetch init for a request ky built. Every option idemkey gives ky is one ky knows, except the attempt's signal, so
that signal is all the init has to carry, with one rule of idemkey's own: redirects are never followed by fetch
(which would replay a write, its key and its API-key headers to another origin); see utils/redirects.
*/
export function attemptInit(init: RequestInit | undefined): RequestInit {
	const signal = (init as Record<string, unknown> | undefined)?.[ATTEMPT_SIGNAL];
	return signal instanceof AbortSignal ? { signal, redirect: 'manual' } : { ...init, redirect: 'manual' };
}
