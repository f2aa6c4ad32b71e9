import { IN_PROGRESS_CODES, KEY_MISSING_CODES, KEY_REUSE_CODES } from '../dialects/define.js';
import { errorCodes } from '../dialects/error-body.js';
import type { AnswerRule, Dialect } from '../dialects/types.js';
import { REDIRECT_STATUSES } from '../utils/redirects.js';
import { parseRetryAfter } from './retry-after.js';

/** What one attempt produced, already read off the wire. */
export type Observation =
	| { readonly kind: 'response'; readonly status: number; readonly headers: Headers; readonly body: unknown }
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

/** `true`/`false` from the dialect's replay signal, `undefined` where the server gives none. */
export function replaySignal(dialect: Dialect, headers: Headers): boolean | undefined {
	let seen = false;
	for (const { name, value } of dialect.replayHeaders) {
		const got = headers.get(name);
		if (got === null) continue;
		if (got.trim().toLowerCase() === value) return true;
		seen = true;
	}
	return seen ? false : dialect.replayAbsent;
}

const bodyText = (body: unknown): string => {
	if (typeof body === 'string') return body;
	try {
		return JSON.stringify(body) ?? '';
	} catch {
		return '';
	}
};

function matches(
	rules: readonly AnswerRule[],
	status: number,
	codes: readonly string[],
	body: unknown,
): boolean {
	return rules.some((rule) => {
		if (rule.status !== status) return false;
		if (!rule.codes && !rule.text) return true;
		if (rule.codes?.some((c) => codes.includes(c))) return true;
		return rule.text?.test(bodyText(body)) === true;
	});
}

// The IETF draft's own 409 ("A request is outstanding for this Idempotency-Key") is a problem body whose `type` names
// no in-progress code, so its words are the only signal; without this it would read as a business conflict.
const IN_PROGRESS_TEXT =
	/idempotency.?key.{0,80}(outstanding|in.?progress|being processed)|(outstanding|in.?progress|being processed).{0,80}idempotency.?key/i;

const includesAny = (list: readonly string[], codes: readonly string[]) =>
	codes.some((c) => list.includes(c));

/**
The retry decision: a pure function of the dialect, what the attempt produced, and whether an earlier attempt's outcome is unknown. All I/O happens before (reading the body) and after (sleeping, journaling).
*/
export function classify(dialect: Dialect, observation: Observation, context: ClassifyContext): Decision {
	if (observation.kind === 'error') {
		const { error } = observation;
		return { type: 'retry', reason: error, retryAfterMs: undefined, mayHaveApplied: error !== 'not_sent' };
	}
	const { status, headers, body } = observation;
	const replayed = replaySignal(dialect, headers);
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

	if (matches(dialect.keyReused, status, codes, body)) return keyReused();
	if (matches(dialect.keyMissing, status, codes, body)) return fail('key_missing');
	if (matches(dialect.inProgress, status, codes, body)) return { type: 'in_progress', retryAfterMs };
	if (matches(dialect.alreadyApplied, status, codes, body)) {
		return context.earlierAttemptUnknown
			? { type: 'succeed', replayed: true, alreadyApplied: true }
			: { type: 'fail', failure: 'rejected', errorCode, alreadyApplied: true };
	}

	// Any 4xx that names a well-known idempotency code means what the code says, whichever dialect is configured:
	// the default dialect talking to a Stripe-like server must still report a reused key as such.
	if (status >= 400 && status < 500 && status !== 429) {
		if (includesAny(KEY_REUSE_CODES, codes)) return keyReused();
		if (includesAny(KEY_MISSING_CODES, codes)) return fail('key_missing');
	}
	if (status === 429) return { type: 'retry', reason: 'rate_limited', retryAfterMs, mayHaveApplied: false };
	if (status >= 500) {
		// A stored error replayed by a server that caches errors will be replayed again: retrying cannot change it.
		if (dialect.cachesErrors && replayed === true) return fail('unknown');
		return { type: 'retry', reason: 'server_error', retryAfterMs, mayHaveApplied: true };
	}
	if (status === 409) {
		// Unknown servers: a bare 409 is the draft's "request outstanding"; a 409 that names another code is a
		// business conflict (key-reuse codes were caught above), never retried.
		if (codes.length === 0 || includesAny(IN_PROGRESS_CODES, codes) || IN_PROGRESS_TEXT.test(bodyText(body)))
			return { type: 'in_progress', retryAfterMs };
		return fail('rejected');
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
