import { errorCodes } from '../dialects/error-body.js';
import { FALLBACK, type FallbackRule } from '../dialects/fallback.js';
import type { Dialect } from '../dialects/types.js';
import { REDIRECT_STATUSES } from '../utils/redirects.js';
import { parseRetryAfter } from './retry-after.js';

/** What one attempt produced, already read off the wire. */
export type Observation =
	| {
			readonly kind: 'response';
			readonly status: number;
			readonly headers: Headers;
			readonly body: unknown;
			/**
			A cross-origin answer whose headers the browser filtered (CORS): only those its server exposes are readable,
			so a replay header that is absent may only be hidden.
			*/
			readonly filtered?: boolean;
	  }
	/**
	A transport failure. `not_sent`: it failed before any byte of the request left (connection refused, DNS, TLS
	handshake), so the server cannot have seen it; anything that may have reached the server is `network` or `timeout`.
	*/
	| { readonly kind: 'error'; readonly error: 'network' | 'timeout' | 'not_sent' };

export type ClassifyContext = {
	/** An earlier attempt of this operation (this call or a previous run) ended without a known outcome. */
	readonly earlierAttemptUnknown: boolean;
	/** Epoch ms, for HTTP-date `Retry-After`. */
	readonly now: number;
	/** The request is a write (not GET/HEAD/OPTIONS): redirects are never followed for it. @default true */
	readonly write?: boolean;
};

export type RetryReason = 'network' | 'timeout' | 'server_error' | 'rate_limited' | 'not_sent';

export type Decision =
	| { readonly type: 'succeed'; readonly replayed: boolean | undefined; readonly alreadyApplied: boolean }
	| {
			readonly type: 'retry';
			readonly reason: RetryReason;
			readonly retryAfterMs: number | undefined;
			/** The server may have applied this attempt. */
			readonly mayHaveApplied: boolean;
	  }
	| { readonly type: 'in_progress'; readonly retryAfterMs: number | undefined }
	| {
			readonly type: 'fail';
			/**
			`key_reused_after_unknown`: the server says the key carried another request, but an earlier attempt under it
			had an unknown outcome, so what the server holds may be that attempt: not "not applied".
			*/
			readonly failure: 'key_reused' | 'key_reused_after_unknown' | 'key_missing' | 'rejected' | 'unknown';
			readonly errorCode: string | undefined;
			/**
			The server says it is already done, and no earlier attempt is known to have done it: a rejection unless
			another caller's attempt of the same operation, which this call cannot see, may have.
			*/
			readonly alreadyApplied?: true;
	  };

/**
`true`/`false` from the dialect's replay signal, `undefined` where the server gives none, or where its absence proves
nothing because the browser may have hidden it (`filtered`).
*/
export function replaySignal(dialect: Dialect, headers: Headers, filtered?: boolean): boolean | undefined {
	let seen = false;
	for (const { name, value } of dialect.replayHeaders) {
		const got = headers.get(name);
		if (got === null) continue;
		if (got.trim().toLowerCase() === value) return true;
		seen = true;
	}
	return seen ? false : filtered ? undefined : dialect.replayAbsent;
}

const bodyText = (body: unknown): string => {
	if (typeof body === 'string') return body;
	try {
		return JSON.stringify(body) ?? '';
	} catch {
		return '';
	}
};

// A dialect's rules and the fallback's, in the order a match wins: a body may name codes of two meanings.
const MEANINGS = ['keyReused', 'keyMissing', 'inProgress', 'alreadyApplied'] as const;
type Meaning = (typeof MEANINGS)[number];
type Rules = { readonly [meaning in Meaning]?: readonly FallbackRule[] };

const statusMatches = (rule: FallbackRule, status: number): boolean =>
	rule.status === '4xx' ? status >= 400 && status < 500 && status !== 429 : rule.status === status;

/** The first meaning whose rules match the answer; `undefined` when none does. */
function meaningOf(
	rules: Rules,
	status: number,
	codes: readonly string[],
	body: unknown,
): Meaning | undefined {
	return MEANINGS.find((meaning) =>
		rules[meaning]?.some(
			(rule) =>
				statusMatches(rule, status) &&
				((!rule.codes && !rule.text && !rule.bare) ||
					(rule.bare === true && codes.length === 0) ||
					rule.codes?.some((c) => codes.includes(c)) ||
					rule.text?.test(bodyText(body)) === true),
		),
	);
}

/**
The retry decision: a pure function of the dialect, what the attempt produced, and whether an earlier attempt's outcome is unknown. All I/O happens before (reading the body) and after (sleeping, journaling).
*/
export function classify(dialect: Dialect, observation: Observation, context: ClassifyContext): Decision {
	if (observation.kind === 'error') {
		const { error } = observation;
		return { type: 'retry', reason: error, retryAfterMs: undefined, mayHaveApplied: error !== 'not_sent' };
	}
	const { status, headers, body } = observation;
	const replayed = replaySignal(dialect, headers, observation.filtered);
	if (status >= 200 && status < 300) return { type: 'succeed', replayed, alreadyApplied: false };

	const codes = status >= 400 ? errorCodes(body) : [];
	const errorCode = codes[0];
	const retryAfterMs = parseRetryAfter(headers, context.now);
	const fail = (failure: Extract<Decision, { type: 'fail' }>['failure']): Decision => ({
		type: 'fail',
		failure,
		errorCode,
	});
	// A server that compares bytes (or fingerprints more than idemkey does) may hold an earlier attempt of this very
	// operation under the key: "reused" then cannot mean "not applied".
	const keyReused = () => fail(context.earlierAttemptUnknown ? 'key_reused_after_unknown' : 'key_reused');

	// The dialect's own rules first, then what any server's answer means (dialects/fallback.ts).
	const meaning = meaningOf(dialect, status, codes, body) ?? meaningOf(FALLBACK, status, codes, body);
	if (meaning === 'keyReused') return keyReused();
	if (meaning === 'keyMissing') return fail('key_missing');
	if (meaning === 'inProgress') return { type: 'in_progress', retryAfterMs };
	if (meaning === 'alreadyApplied') {
		return context.earlierAttemptUnknown
			? { type: 'succeed', replayed: true, alreadyApplied: true }
			: { type: 'fail', failure: 'rejected', errorCode, alreadyApplied: true };
	}
	if (status === 429) return { type: 'retry', reason: 'rate_limited', retryAfterMs, mayHaveApplied: false };
	if (status >= 500) {
		// A stored error replayed by a server that caches errors will be replayed again: retrying cannot change it.
		if (dialect.cachesErrors && replayed === true) return fail('unknown');
		return { type: 'retry', reason: 'server_error', retryAfterMs, mayHaveApplied: true };
	}
	if (status === 408) return { type: 'retry', reason: 'timeout', retryAfterMs, mayHaveApplied: true };
	// Redirects reach here unfollowed: always for a write (fetch runs with redirect 'manual'), for a read when it
	// pointed off the origin or looped. Status 0 is a browser's opaque redirect, whose status and Location it hides.
	// A write's 303 is "done, see other"; 307/308 say "send it there instead", so this server did not apply it; a
	// 301/302 means "moved" to some servers and "done" to others (post-redirect-get), and a hidden one could be any.
	if (context.write !== false && REDIRECT_STATUSES.has(status)) {
		if (status === 303) return { type: 'succeed', replayed, alreadyApplied: false };
		if (status === 307 || status === 308) return fail('rejected');
		return fail('unknown');
	}
	// 1xx/3xx that reach here and every other 4xx are definite answers.
	return fail('rejected');
}
