import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../src/retry/retry-after.js';

const NOW = Date.parse('2025-06-01T12:00:00Z');
const DAY = 86_400_000;
const YEAR = 365 * DAY;
/** RFC 9111 §1.2.2: a delta-seconds too large to represent is read as 2^31 seconds. */
const CAP = 2 ** 31 * 1000;
const at = (offsetMs: number) => new Date(NOW + offsetMs).toUTCString();
const parse = (init: Record<string, string>) => parseRetryAfter(new Headers(init), NOW);

describe('parseRetryAfter', () => {
	it.each([
		{ what: 'delta-seconds', headers: { 'retry-after': '120' }, ms: 120_000 },
		{ what: 'zero seconds', headers: { 'retry-after': '0' }, ms: 0 },
		{ what: 'one second (42min in-progress hint)', headers: { 'retry-after': '1' }, ms: 1_000 },
		{ what: 'delta-seconds with surrounding spaces', headers: { 'retry-after': '  7  ' }, ms: 7_000 },
		{ what: 'leading zeros', headers: { 'retry-after': '007' }, ms: 7_000 },
		{ what: 'exactly one day', headers: { 'retry-after': '86400' }, ms: DAY },
		{ what: 'a future HTTP-date', headers: { 'retry-after': at(90_000) }, ms: 90_000 },
		{ what: 'an HTTP-date exactly one day ahead', headers: { 'retry-after': at(DAY) }, ms: DAY },
		{ what: 'a past HTTP-date', headers: { 'retry-after': at(-90_000) }, ms: 0 },
		{ what: 'an HTTP-date equal to now', headers: { 'retry-after': at(0) }, ms: 0 },
		{ what: 'a long-past HTTP-date', headers: { 'retry-after': 'Fri, 31 Dec 1999 23:59:59 GMT' }, ms: 0 },
		// RFC 9110 §5.6.7: the obsolete forms must be accepted too; asctime has no zone and means GMT.
		{ what: 'an RFC 850 date', headers: { 'retry-after': 'Sunday, 01-Jun-25 12:01:00 GMT' }, ms: 60_000 },
		{ what: 'an asctime date, as GMT', headers: { 'retry-after': 'Sun Jun  1 12:01:00 2025' }, ms: 60_000 },
		{ what: 'retry-after-ms integer', headers: { 'retry-after-ms': '250' }, ms: 250 },
		{ what: 'retry-after-ms float, rounded up', headers: { 'retry-after-ms': '1500.2' }, ms: 1501 },
		{ what: 'retry-after-ms tiny float, rounded up', headers: { 'retry-after-ms': '0.0001' }, ms: 1 },
		{ what: 'retry-after-ms of exactly one day', headers: { 'retry-after-ms': String(DAY) }, ms: DAY },
		{
			what: 'retry-after-ms before Retry-After',
			headers: { 'retry-after-ms': '250', 'retry-after': '9' },
			ms: 250,
		},
		{
			what: 'Retry-After when retry-after-ms is garbage',
			headers: { 'retry-after-ms': 'soon', 'retry-after': '9' },
			ms: 9_000,
		},
		{
			what: 'Retry-After when retry-after-ms is negative',
			headers: { 'retry-after-ms': '-5', 'retry-after': '2' },
			ms: 2_000,
		},
	])('reads $what', ({ headers, ms }) => {
		expect(parse(headers)).toBe(ms);
	});

	it.each([
		{ what: 'no header', headers: {} },
		{ what: 'an empty value', headers: { 'retry-after': '' } },
		{ what: 'a blank value', headers: { 'retry-after': '   ' } },
		{ what: 'a negative delta', headers: { 'retry-after': '-5' } },
		{ what: 'fractional seconds', headers: { 'retry-after': '1.5' } },
		{ what: 'a word', headers: { 'retry-after': 'soon' } },
		{ what: 'a phrase', headers: { 'retry-after': '5 minutes' } },
		{ what: 'seconds with a unit', headers: { 'retry-after': '5s' } },
		{ what: 'NaN', headers: { 'retry-after': 'NaN' } },
		{ what: 'Infinity', headers: { 'retry-after': 'Infinity' } },
		{ what: 'exponent notation', headers: { 'retry-after': '1e3' } },
		{ what: 'hex', headers: { 'retry-after': '0x10' } },
		{ what: 'a plus sign', headers: { 'retry-after': '+5' } },
		{ what: 'a repeated header', headers: { 'retry-after': '5, 5' } },
		{ what: 'a date without GMT', headers: { 'retry-after': 'Sun, 01 Jun 2025 12:01:00' } },
		{ what: 'a date in UTC rather than GMT', headers: { 'retry-after': 'Sun, 01 Jun 2025 12:01:00 UTC' } },
		{ what: 'an ISO date', headers: { 'retry-after': '2025-06-01T12:01:00Z' } },
		{
			what: 'an asctime-like date with a zone',
			headers: { 'retry-after': 'Sun Jun  1 12:01:00 2025 +0200' },
		},
		{ what: 'an impossible date', headers: { 'retry-after': 'Foo, 99 Xyz 2025 99:99:99 GMT' } },
		{ what: 'retry-after-ms NaN alone', headers: { 'retry-after-ms': 'NaN' } },
		{ what: 'retry-after-ms Infinity alone', headers: { 'retry-after-ms': 'Infinity' } },
		{ what: 'retry-after-ms negative alone', headers: { 'retry-after-ms': '-1' } },
		{ what: 'retry-after-ms exponent alone', headers: { 'retry-after-ms': '1e3' } },
	])('ignores $what', ({ headers }) => {
		expect(parse(headers)).toBeUndefined();
	});

	// A hint longer than any call's time left is still a hint: the call must end at once and report it, not fall
	// back to its own backoff and keep hammering a server that asked for quiet.
	it.each([
		{ what: 'one second more than a day', headers: { 'retry-after': '86401' }, ms: DAY + 1_000 },
		{ what: '10^9 seconds', headers: { 'retry-after': '1000000000' }, ms: 1e12 },
		{ what: 'ten-digit seconds', headers: { 'retry-after': '9999999999' }, ms: CAP },
		{ what: 'more seconds than 2^31, read as 2^31', headers: { 'retry-after': '2147483649' }, ms: CAP },
		{ what: 'a 23-digit number of seconds', headers: { 'retry-after': '99999999999999999999999' }, ms: CAP },
		{ what: '400 digits of seconds', headers: { 'retry-after': '9'.repeat(400) }, ms: CAP },
		{ what: 'a date more than a day ahead', headers: { 'retry-after': at(DAY + 60_000) }, ms: DAY + 60_000 },
		{ what: 'a date a year ahead', headers: { 'retry-after': at(YEAR) }, ms: YEAR },
		{ what: 'a date in the year 9999', headers: { 'retry-after': 'Fri, 31 Dec 9999 23:59:59 GMT' }, ms: CAP },
		{ what: 'retry-after-ms over a day', headers: { 'retry-after-ms': String(DAY + 1) }, ms: DAY + 1 },
		{
			what: 'an absurd retry-after-ms, before a short Retry-After',
			headers: { 'retry-after-ms': '999999999999', 'retry-after': '3' },
			ms: 999_999_999_999,
		},
	])('keeps a huge but valid hint: $what', ({ headers, ms }) => {
		expect(parse(headers)).toBe(ms);
	});

	it('never throws and never returns a negative, NaN or infinite wait', () => {
		const values = [
			'',
			'-0',
			'-1',
			'0',
			'1.5',
			'1e309',
			'NaN',
			'-Infinity',
			'Infinity',
			'9'.repeat(400),
			'Mon, 01 Jan 0000 00:00:00 GMT',
			'Sat, 13 Sep 275760 00:00:01 GMT',
			'Tue, 29 Feb 2025 00:00:00 GMT',
			'\u00a0 5',
			'5\u00b0',
			'soon',
		];
		for (const value of values) {
			for (const name of ['retry-after', 'retry-after-ms']) {
				let result: number | undefined;
				expect(() => {
					result = parse({ [name]: value });
				}, `${name}: ${value}`).not.toThrow();
				if (result !== undefined) {
					expect(Number.isFinite(result), `${name}: ${value}`).toBe(true);
					expect(result, `${name}: ${value}`).toBeGreaterThanOrEqual(0);
					expect(result, `${name}: ${value}`).toBeLessThanOrEqual(CAP);
				}
			}
		}
	});

	it('measures an HTTP-date against the given clock, not the system clock', () => {
		const headers = new Headers({ 'retry-after': 'Sun, 01 Jun 2025 12:00:30 GMT' });
		expect(parseRetryAfter(headers, NOW)).toBe(30_000);
		expect(parseRetryAfter(headers, NOW + 10_000)).toBe(20_000);
		expect(parseRetryAfter(headers, NOW + 60_000)).toBe(0);
	});
});
