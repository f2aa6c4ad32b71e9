import { describe, expect, it } from 'vitest';
import {
	InvalidRequestError,
	KeyExpiredError,
	KeyMissingError,
	KeyReuseError,
	NotSentError,
	OperationAbandonedError,
	OutcomeUnknownError,
	RequestRejectedError,
} from '../../src/errors/classes.js';
import { abandoned, newClaimedRecord, settled } from '../../src/journal/lifecycle.js';
import type { JournalRecord, RecordOutcome } from '../../src/journal/record.js';
import { conclude, concludeEarly, concludeRecord, type Keep } from '../../src/operation/conclude.js';
import type { Subject } from '../../src/operation/context.js';
import type { PreparedRequest } from '../../src/operation/prepare.js';
import type { Sent } from '../../src/operation/send.js';
import type { Decision } from '../../src/retry/classify.js';
import type { RunOutcome } from '../../src/retry/run.js';

const subject: Subject = {
	key: 'k-1',
	operation: 'op-1',
	method: 'POST',
	url: 'http://127.0.0.1:9/bookings',
};
const keep: Keep = { storeBodies: true, maxStoredBodyBytes: 64 };

const answered = (status: number, text: string): Sent => ({
	kind: 'response',
	status,
	headers: new Headers({ 'content-type': 'application/json', 'set-cookie': 'secret' }),
	body: JSON.parse(text),
	text,
});
const reset: Sent = { kind: 'error', error: 'network', cause: new Error('reset') };

const succeed = (replayed: boolean | undefined): Decision => ({
	type: 'succeed',
	replayed,
	alreadyApplied: false,
});
const fail = (failure: Extract<Decision, { type: 'fail' }>['failure']): Decision => ({
	type: 'fail',
	failure,
	errorCode: failure === 'rejected' ? 'out_of_seats' : 'idempotency_key_reused',
});
const done = (decision: Decision, value: Sent): RunOutcome<Sent> => ({
	type: 'done',
	last: { decision, value },
	attempts: 2,
});
const network: Decision = { type: 'retry', reason: 'network', retryAfterMs: undefined, mayHaveApplied: true };
const aborted: RunOutcome<Sent> = {
	type: 'aborted',
	last: { decision: network, value: reset },
	attempts: 2,
	reason: new DOMException('stop', 'AbortError'),
};
const exhausted: RunOutcome<Sent> = {
	type: 'exhausted',
	last: { decision: network, value: reset },
	attempts: 2,
	why: 'budget',
};

describe('conclude: the last attempt of a journaled call', () => {
	it.each([
		{
			what: 'a success: succeeded, with what the record keeps of the answer',
			outcome: done(succeed(false), answered(201, '{"id":1}')),
			state: 'succeeded',
			kept: {
				status: 201,
				replayed: false,
				headers: [['content-type', 'application/json']],
				body: '{"id":1}',
			},
			event: undefined,
			error: undefined,
		},
		{
			what: 'a replayed success: succeeded, and a replay event from the server',
			outcome: done(succeed(true), answered(200, '{"id":1}')),
			state: 'succeeded',
			kept: { status: 200, replayed: true },
			event: { type: 'replay', source: 'server', attempt: 2, key: 'k-1', operation: 'op-1' },
			error: undefined,
		},
		{
			what: 'a definite rejection: failed, the error code kept for reruns',
			outcome: done(fail('rejected'), answered(422, '{"code":"out_of_seats"}')),
			state: 'failed',
			kept: { status: 422, replayed: null, error: 'rejected' },
			event: undefined,
			error: RequestRejectedError,
		},
		{
			what: 'a key the server says carried another request: failed, and a conflict event',
			outcome: done(fail('key_reused'), answered(409, '{"code":"idempotency_key_reused"}')),
			state: 'failed',
			kept: { status: 409, error: 'key_reused' },
			event: { type: 'conflict', source: 'server', attempt: 2 },
			error: KeyReuseError,
		},
		{
			what: 'the same after an attempt of unknown outcome: unknown, never failed',
			outcome: done(fail('key_reused_after_unknown'), answered(409, '{"code":"idempotency_key_reused"}')),
			state: 'unknown',
			kept: undefined,
			event: { type: 'conflict', source: 'server', attempt: 2 },
			error: OutcomeUnknownError,
		},
		{
			what: 'a stored 5xx replayed: unknown',
			outcome: done(fail('unknown'), answered(500, '{}')),
			state: 'unknown',
			kept: undefined,
			event: undefined,
			error: OutcomeUnknownError,
		},
		{
			what: 'a missing key: failed',
			outcome: done(fail('key_missing'), answered(400, '{}')),
			state: 'failed',
			kept: { status: 400, error: 'key_missing' },
			event: undefined,
			error: KeyMissingError,
		},
	])('$what', ({ outcome, state, kept, event, error }) => {
		const end = conclude(outcome, false, subject, keep);
		expect(end.settle?.state).toBe(state);
		if (kept) expect(end.settle?.outcome).toMatchObject(kept);
		else expect(end.settle?.outcome).toBeUndefined();
		if (event) expect(end.event).toMatchObject(event);
		else expect(end.event).toBeUndefined();
		if (error) {
			expect(end.error).toBeInstanceOf(error);
			expect(end.result).toBeUndefined();
		} else {
			expect(end.result).toMatchObject({ key: 'k-1', operation: 'op-1', attempts: 2, fromJournal: false });
			expect(Object.isFrozen(end.result)).toBe(true);
		}
	});

	it.each([
		{
			what: 'aborted with nothing applied: the abort reason',
			outcome: aborted,
			may: false,
			error: DOMException,
		},
		{
			what: 'aborted after a send may have landed: unknown',
			outcome: aborted,
			may: true,
			error: OutcomeUnknownError,
		},
		{
			what: 'retries spent after a reset: unknown',
			outcome: exhausted,
			may: true,
			error: OutcomeUnknownError,
		},
		{
			what: 'retries spent, every try refused: not sent',
			outcome: {
				...exhausted,
				last: {
					decision: { ...network, reason: 'not_sent', mayHaveApplied: false },
					value: { ...reset, error: 'not_sent' },
				},
			} as RunOutcome<Sent>,
			may: false,
			error: NotSentError,
		},
	])('$what, the record left as the loop left it', ({ outcome, may, error }) => {
		const end = conclude(outcome, may, subject, keep);
		expect(end.settle).toBeUndefined();
		expect(end.event).toBeUndefined();
		expect(end.error).toBeInstanceOf(error);
	});

	it.each([
		{ what: 'a body within the cap is kept', keep, text: '{"id":1}', body: '{"id":1}', truncated: undefined },
		{
			what: 'a body past the cap is marked truncated',
			keep,
			text: JSON.stringify({ pad: 'é'.repeat(40) }),
			body: undefined,
			truncated: true,
		},
		{
			what: 'no body when bodies are not stored',
			keep: { ...keep, storeBodies: false },
			text: '{"id":1}',
			body: undefined,
			truncated: undefined,
		},
	])('$what', ({ keep, text, body, truncated }) => {
		const outcome = conclude(done(succeed(false), answered(200, text)), false, subject, keep).settle
			?.outcome as RecordOutcome;
		expect(outcome.body).toBe(body);
		expect(outcome.bodyTruncated).toBe(truncated);
	});
});

describe('conclude: a call with no record (GET)', () => {
	it.each([
		{ what: 'a replayed success: the result, no event', outcome: done(succeed(true), answered(200, '{}')) },
		{
			what: 'a key reuse: the error, no conflict event',
			outcome: done(fail('key_reused'), answered(409, '{}')),
		},
		{ what: 'an abort after a reset: the abort reason', outcome: aborted, may: true },
	])('$what, nothing to write', ({ outcome, may = false }) => {
		const end = conclude(outcome, may, { ...subject, key: undefined, method: 'GET' }, undefined);
		expect(end.settle).toBeUndefined();
		expect(end.event).toBeUndefined();
		if (outcome === aborted) expect(end.error).toBe(aborted.reason);
	});
});

const NOW = 1_700_000_000_000;
const stored = (changes: Partial<JournalRecord> = {}): JournalRecord => ({
	...newClaimedRecord({
		scope: 's',
		operation: 'op-1',
		key: 'k-1',
		fingerprint: 'fp',
		method: 'POST',
		path: '/bookings',
		now: NOW,
		retentionMs: 60_000,
		keepMs: 60_000,
	}),
	...changes,
});
const request = (changes: Partial<PreparedRequest> = {}): PreparedRequest => ({
	method: 'POST',
	url: 'http://127.0.0.1:9/bookings',
	path: '/bookings',
	headers: new Headers(),
	body: undefined,
	journaled: true,
	keyed: true,
	explicitKey: undefined,
	fingerprint: 'fp',
	...changes,
});
const failedWith = (outcome: Partial<RecordOutcome>) =>
	settled(stored(), 'failed', NOW, { status: 422, replayed: null, headers: [], ...outcome });

describe('concludeEarly: what the stored record answers before any attempt', () => {
	it('lets an unfinished record within its key window go on to send', () => {
		expect(concludeEarly(stored(), request(), subject, NOW)).toBeUndefined();
		expect(concludeEarly(settled(stored(), 'unknown', NOW), request(), subject, NOW + 1_000)).toBeUndefined();
	});

	it.each([
		{
			what: 'another request under the operation: a conflict caught by the journal',
			record: stored(),
			call: request({ fingerprint: 'other' }),
			error: KeyReuseError,
			event: { type: 'conflict', source: 'journal', attempt: 0 },
		},
		{
			what: 'another explicit key than the journaled one',
			record: stored(),
			call: request({ explicitKey: 'k-2' }),
			error: InvalidRequestError,
			event: undefined,
		},
		{
			what: 'an interrupted attempt whose key expired',
			record: settled(stored(), 'unknown', NOW),
			call: request(),
			error: KeyExpiredError,
			event: undefined,
			at: NOW + 60_000,
		},
		{
			what: 'a failed record: its error again',
			record: failedWith({
				body: '{"code":"out_of_seats"}',
				headers: [['content-type', 'application/json']],
			}),
			call: request(),
			error: RequestRejectedError,
			event: undefined,
		},
	])('$what', ({ record, call, error, event, at = NOW }) => {
		const end = concludeEarly(record, call, subject, at);
		expect(end?.error).toBeInstanceOf(error);
		if (event) expect(end?.event).toMatchObject(event);
		else expect(end?.event).toBeUndefined();
	});

	it('answers a succeeded record from the journal, a replay of its stored answer', () => {
		const record = settled(stored(), 'succeeded', NOW, {
			status: 201,
			replayed: false,
			headers: [['content-type', 'application/json']],
			body: '{"id":7}',
		});
		const end = concludeEarly(record, request(), subject, NOW);
		expect(end?.event).toMatchObject({ type: 'replay', source: 'journal', attempt: 0 });
		expect(end?.result).toMatchObject({
			data: { id: 7 },
			status: 201,
			key: 'k-1',
			attempts: 0,
			replayed: true,
			fromJournal: true,
		});
	});
});

describe('concludeRecord: a failed record raises the error it failed with', () => {
	it.each([
		{ outcome: { error: 'key_reused' }, error: KeyReuseError, fields: { source: 'server' } },
		{ outcome: { error: 'key_missing' }, error: KeyMissingError, fields: {} },
		{
			outcome: {
				error: 'rejected',
				body: '{"code":"out_of_seats"}',
				headers: [['content-type', 'application/json']],
			},
			error: RequestRejectedError,
			fields: { status: 422, errorCode: 'out_of_seats' },
		},
	] as const)('$outcome.error', ({ outcome, error, fields }) => {
		const end = concludeRecord(failedWith(outcome as Partial<RecordOutcome>), subject);
		expect(end.error).toBeInstanceOf(error);
		expect(end.error).toMatchObject({ key: 'k-1', operation: 'op-1', ...fields });
	});

	it.each([
		{ error: 'abandoned', expected: OperationAbandonedError },
		{ error: 'key_expired', expected: KeyExpiredError },
	] as const)('abandoned by hand ($error)', ({ error, expected }) => {
		const record = abandoned(stored(), NOW, { error, reason: 'typo in the URL' });
		expect(concludeRecord(record, subject).error).toBeInstanceOf(expected);
	});
});
