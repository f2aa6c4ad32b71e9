// The shared fallback rules are data (src/dialects/fallback.ts): these tables walk the data itself, so a code added to
// a list is covered, and they fail if classify stops reading a list or reads it on the wrong statuses.
import { describe, expect, it } from 'vitest';
import { defineDialect } from '../../src/dialects/define.js';
import {
	IN_PROGRESS_CODES,
	KEY_MISSING_CODES,
	KEY_REUSE_CODES,
	KNOWN_REPLAY_HEADERS,
} from '../../src/dialects/fallback.js';
import { classify, type Decision, replaySignal } from '../../src/retry/classify.js';

// A dialect with no rules of its own: only the fallback speaks.
const plain = defineDialect({ name: 'plain' });
const context = { earlierAttemptUnknown: false, now: 0 };
const decide = (status: number, body?: unknown): Decision =>
	classify(plain, { kind: 'response', status, headers: new Headers(), body }, context);
const fail = (failure: string, errorCode?: string) => ({ type: 'fail', failure, errorCode });
const CLIENT_ERRORS = [400, 403, 404, 409, 410, 412, 422];

describe('fallback: a well-known code means what it says on any 4xx but 429, whatever the dialect', () => {
	it.each(
		CLIENT_ERRORS.flatMap((status) => [
			...KEY_REUSE_CODES.map((code) => [status, code, fail('key_reused', code)] as const),
			...KEY_MISSING_CODES.map((code) => [status, code, fail('key_missing', code)] as const),
		]),
	)('%i naming %s', (status, code, decision) => {
		expect(decide(status, { error: { code } })).toEqual(decision);
	});

	it.each([...KEY_REUSE_CODES, ...KEY_MISSING_CODES, ...IN_PROGRESS_CODES])(
		'429 naming %s is still rate limiting, retried',
		(code) => {
			expect(decide(429, { code })).toMatchObject({ type: 'retry', reason: 'rate_limited' });
		},
	);
});

describe('fallback: a 409 is in progress when bare or naming an in-progress code, else a business conflict', () => {
	it.each<[string, unknown]>([
		['no body', undefined],
		['an empty body', ''],
		['a body naming no code', { message: 'busy' }],
		...IN_PROGRESS_CODES.map((code): [string, unknown] => [`code ${code}`, { code }]),
		['the IETF draft title', { title: 'A request is outstanding for this Idempotency-Key' }],
	])('409 with %s: in progress', (_what, body) => {
		expect(decide(409, body)).toEqual({ type: 'in_progress', retryAfterMs: undefined });
	});

	it.each([400, 422])('%i naming an in-progress code is a rejection, not in progress', (status) => {
		expect(decide(status, { code: IN_PROGRESS_CODES[0] })).toEqual(fail('rejected', IN_PROGRESS_CODES[0]));
	});

	it('409 naming any other code is a business conflict, never retried', () => {
		expect(decide(409, { code: 'seat_taken' })).toEqual(fail('rejected', 'seat_taken'));
	});
});

describe('fallback: replayed is read from the union of known replay headers', () => {
	it.each(KNOWN_REPLAY_HEADERS)('$name: $value', ({ name, value }) => {
		expect(replaySignal(plain, new Headers({ [name]: value }))).toBe(true);
		expect(replaySignal(plain, new Headers({ [name]: 'nope' }))).toBe(false);
	});

	it('says nothing when no replay header is present', () => {
		expect(replaySignal(plain, new Headers())).toBeUndefined();
	});
});
