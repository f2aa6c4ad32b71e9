import { describe, expect, it } from 'vitest';
import { withoutCredentials } from '../../src/cli/inspect/redact.js';
import { leaseText, outcomeText } from '../../src/cli/inspect/render.js';
import { resultOf } from '../../src/cli/inspect/timeline.js';
import { formatDuration, whenText } from '../../src/cli/time.js';
import type { JournalRecord, RecordOutcome } from '../../src/journal/record.js';
import { storedRecord, T0 } from './records.js';

describe('formatDuration: a wait or a gap between attempts', () => {
	it.each([
		[0, '0ms'],
		[999, '999ms'],
		[1000, '1.0s'],
		[1250, '1.2s'],
		[42_560, '42.5s'],
		[59_999, '59.9s'],
		[60_000, '1m'],
		[7_200_000, '2h'],
		// Two processes' clocks disagree: the sign stays, rather than reading as no time at all.
		[-300, '-300ms'],
	])('%i ms -> %s', (ms, text) => {
		expect(formatDuration(ms)).toBe(text);
	});

	it.each([
		[T0 - 90_000, '2026-03-01T08:58:30.000Z (1m ago)'],
		[T0, '2026-03-01T09:00:00.000Z (0s ago)'],
		[T0 + 3 * 3_600_000, '2026-03-01T12:00:00.000Z (in 3h)'],
	])('whenText(%i) -> %s', (at, text) => {
		expect(whenText(at, T0)).toBe(text);
	});
});

describe('resultOf: what came back, in one word', () => {
	it.each([
		[{ at: 0, status: 201 }, '201'],
		[{ at: 0, error: 'timeout' }, 'timeout'],
		[{ at: 0, status: 409, error: 'in_progress' }, '409 in_progress'],
		[{ at: 0 }, 'none'],
		[{ at: 0, error: '' }, 'none'],
	])('%j -> %s', (entry, text) => {
		expect(resultOf(entry)).toBe(text);
	});
});

describe('leaseText: where the lease stands', () => {
	const lease = { owner: 'c-1', until: T0 + 5000, fence: 4 };
	it.each([
		[
			'inflight',
			T0,
			'owner c-1, fence 4, until 2026-03-01T09:00:05.000Z (in 5s); live: other clients wait for its outcome',
		],
		[
			'inflight',
			T0 + 5000,
			'owner c-1, fence 4, until 2026-03-01T09:00:05.000Z (0s ago); expired: the next client takes it over',
		],
		[
			'unknown',
			T0,
			'owner c-1, fence 4, until 2026-03-01T09:00:05.000Z (in 5s); over (the attempt concluded)',
		],
		[
			'succeeded',
			T0 + 60_000,
			'owner c-1, fence 4, until 2026-03-01T09:00:05.000Z (55s ago); over (the attempt concluded)',
		],
	] as const)('%s at +%i', (state, now, text) => {
		expect(leaseText(lease, state, now)).toBe(text);
	});
});

describe('outcomeText: what the operation ended with', () => {
	const outcome = (fields: Partial<RecordOutcome>): RecordOutcome => ({
		status: 201,
		replayed: null,
		headers: [],
		...fields,
	});
	it.each([
		[undefined, '-'],
		[outcome({ replayed: false, body: '{"id":1}' }), '201, replayed no, body 8 characters kept'],
		[outcome({ replayed: true, bodyTruncated: true }), '201, replayed yes, body over the size cap, not kept'],
		[outcome({ status: 422, error: 'rejected' }), '422, rejected, replayed unknown'],
		[outcome({ status: 0, error: 'key_reused' }), 'key_reused, replayed unknown'],
		[
			outcome({ status: 0, error: 'key_expired', byHand: { action: 'abandon' } }),
			'abandoned by hand (key_expired)',
		],
		[
			outcome({ status: 200, byHand: { action: 'resolve', reason: 'seen' } }),
			'resolved by hand as 200: seen',
		],
	])('%j -> %s', (value, text) => {
		expect(outcomeText(value)).toBe(text);
	});
});

describe('withoutCredentials', () => {
	const withUrl = (url: string): JournalRecord =>
		storedRecord('x', { request: { url, headers: [['accept', 'application/json']] } });

	it.each([
		['https://api.example.com/v1/x?page=2', 'https://api.example.com/v1/x?page=2', []],
		['https://u:p@api.example.com/x', 'https://api.example.com/x', ['the user info of the request URL']],
		[
			'https://api.example.com/x?Access_Token=a&access_token=b&q=1',
			'https://api.example.com/x?Access_Token=[redacted]&access_token=[redacted]&q=1',
			['query parameter Access_Token', 'query parameter access_token'],
		],
		['not a url sk_live_1', '[redacted] (19 characters)', ['an unparseable request URL']],
	])('%s -> %s', (url, shown, redacted) => {
		const out = withoutCredentials(withUrl(url));
		expect(out.record.request?.url).toBe(shown);
		expect(out.redacted).toEqual(redacted);
	});

	it('leaves an idemkey record as it is, and the original untouched when it redacts', () => {
		const clean = storedRecord('x');
		expect(withoutCredentials(clean)).toEqual({ record: clean, redacted: [] });
		const leaky = storedRecord('y', { request: { url: 'https://h/', headers: [['x-api-key', 'k']] } });
		withoutCredentials(leaky);
		expect(leaky.request?.headers).toEqual([['x-api-key', 'k']]);
	});
});
