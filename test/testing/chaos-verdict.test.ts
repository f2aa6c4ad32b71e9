import { describe, expect, it } from 'vitest';
import { IdempotencyError } from '../../src/errors/base.js';
import type { IdemResult } from '../../src/index.js';
import { type CallOutcome, judge } from '../../src/testing/chaos/report.js';

const ok = (result: Partial<IdemResult<unknown>> = {}): CallOutcome => ({
	ok: true,
	result: { replayed: false, fromJournal: false, ...result } as IdemResult<unknown>,
});
const told = (
	code: 'rejected' | 'key_reused' | 'key_missing' | 'not_sent' | 'outcome_unknown' | 'in_progress',
): CallOutcome => ({
	ok: false,
	error: new IdempotencyError(code, `told ${code}`),
});

describe('a chaos run judges each operation against the server effects', () => {
	it.each<[string, CallOutcome[], boolean, RegExp | undefined]>([
		['a success the server applied', [ok()], true, undefined],
		['a success the server never saw', [ok()], false, /told it succeeded, but the server has no effect/],
		['an untyped error', [{ ok: false, error: new Error('boom') }], true, /untyped Error: boom/],
		['"rejected" for an operation the server applied', [told('rejected')], true, /told "rejected"/],
		['"key_reused" beside a success, the server applied', [ok(), told('key_reused')], true, /"key_reused"/],
		['"key_missing" for an operation the server applied', [told('key_missing')], true, /told "key_missing"/],
		// "not sent" promises the server never saw it: a server that applied it makes the promise false.
		['"not_sent" for an operation the server applied', [told('not_sent')], true, /told "not_sent"/],
		['"not_sent" for an operation the server did not apply', [told('not_sent')], false, undefined],
		['"rejected" for an operation the server did not apply', [told('rejected')], false, undefined],
		// The caller was told the truth: it may or may not have been applied.
		['"outcome_unknown" for an operation the server applied', [told('outcome_unknown')], true, undefined],
		['"in_progress" beside a success', [told('in_progress'), ok()], true, undefined],
	])('%s', (_, calls, applied, lost) => {
		const { why } = judge(calls, applied);
		if (lost) expect(why).toMatch(lost);
		else expect(why).toBe(undefined);
	});

	it('counts replays and every typed code, in call order', () => {
		const calls = [ok({ replayed: true }), ok({ fromJournal: true }), told('in_progress'), told('rejected')];
		expect(judge(calls, true)).toMatchObject({ replays: 2, codes: ['in_progress', 'rejected'] });
	});
});
