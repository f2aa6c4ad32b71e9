import { describe, expect, it } from 'vitest';
import { abandoned, claimed, newRecord, resolvedByHand, settled } from '../../src/journal/lifecycle.js';
import { type JournalRecord, JournalRecordSchema, recordProblem } from '../../src/journal/record.js';

const NOW = 1_700_000_000_000;

const fresh = (): JournalRecord =>
	newRecord({
		scope: 'tenant-1',
		operation: 'op-1',
		key: 'key-1',
		fingerprint: 'fp-1',
		method: 'POST',
		path: '/bookings',
		now: NOW,
		retentionMs: 90_000,
		keepMs: 1_000,
		request: { url: 'https://x.test/bookings', headers: [['x-app', '1']], body: 'e30=' },
	});

const succeeded = (): JournalRecord =>
	settled(claimed(fresh(), NOW + 1), 'succeeded', NOW + 2, {
		status: 201,
		replayed: true,
		headers: [['content-type', 'application/json']],
		body: '{}',
		bodyTruncated: false,
	});

/** `record` with `value` at `path` (a dotted path into the record; `undefined` removes the field). */
function broken(record: unknown, path: string, value: unknown): unknown {
	const copy = structuredClone(record) as Record<string, unknown>;
	const names = path.split('.');
	const last = names.pop() as string;
	let target = copy;
	for (const name of names) target = target[name] as Record<string, unknown>;
	if (value === undefined) delete target[last];
	else target[last] = value;
	return copy;
}

describe('recordProblem', () => {
	it.each([
		['a new record', fresh()],
		['a new record without a key or a retention', { ...fresh(), key: null, expiresAt: null }],
		['a claimed record', claimed(fresh(), NOW + 1)],
		['a succeeded record with its outcome', succeeded()],
		['a record of unknown outcome', settled(claimed(fresh(), NOW + 1), 'unknown', NOW + 2)],
		['a record abandoned by hand', abandoned(fresh(), NOW, { error: 'abandoned', reason: 'duplicate' })],
		['a record resolved by hand', resolvedByHand(fresh(), NOW, { status: 200, json: '{}' })],
		['a record with fields of a later minor version', { ...fresh(), note: 'kept as is' }],
		['a record whose optional fields are there but undefined', { ...fresh(), outcome: undefined }],
	])('accepts %s', (_what, record) => {
		expect(recordProblem(record)).toBeUndefined();
	});

	// Each row breaks one field; the report names that field and what it should hold.
	it.each([
		['v', 2, 'v: expected format version 1, got 2'],
		['scope', undefined, 'scope: expected a string, got undefined'],
		['operation', 7, 'operation: expected a string, got 7'],
		['key', undefined, 'key: expected a string or null, got undefined'],
		['fingerprint', null, 'fingerprint: expected a string, got null'],
		['method', ['POST'], 'method: expected a string, got an array'],
		['path', {}, 'path: expected a string, got object'],
		[
			'state',
			'done',
			'state: expected one of "pending", "inflight", "succeeded", "failed", "unknown", got "done"',
		],
		['revision', '2', 'revision: expected a finite number, got "2"'],
		['attemptsStarted', Number.NaN, 'attemptsStarted: expected a finite number, got NaN'],
		['attemptsFinished', undefined, 'attemptsFinished: expected a finite number, got undefined'],
		['createdAt', Number.POSITIVE_INFINITY, 'createdAt: expected a finite number, got Infinity'],
		['updatedAt', '2024-01-01', 'updatedAt: expected a finite number, got "2024-01-01"'],
		['expiresAt', undefined, 'expiresAt: expected a finite number or null, got undefined'],
		['retainUntil', null, 'retainUntil: expected a finite number, got null'],
		['outcome', 'ok', 'outcome: expected an object or nothing, got "ok"'],
		['outcome.status', '201', 'outcome.status: expected a finite number, got "201"'],
		['outcome.replayed', undefined, 'outcome.replayed: expected a boolean or null, got undefined'],
		[
			'outcome.headers',
			{ a: 'b' },
			'outcome.headers: expected a list of [name, value] string pairs, got object',
		],
		['outcome.headers', [['a', 'b', 'c']], 'outcome.headers: expected a list of [name, value] string pairs'],
		['outcome.headers', [['a', 1]], 'outcome.headers: expected a list of [name, value] string pairs'],
		['outcome.body', 12, 'outcome.body: expected a string or nothing, got 12'],
		['outcome.bodyTruncated', 'yes', 'outcome.bodyTruncated: expected a boolean or nothing, got "yes"'],
		['outcome.error', false, 'outcome.error: expected a string or nothing, got false'],
		['outcome.byHand', [], 'outcome.byHand: expected an object or nothing, got an array'],
		['outcome.byHand', { action: 'forget' }, 'outcome.byHand.action: expected one of "abandon", "resolve"'],
		[
			'outcome.byHand',
			{ action: 'resolve', reason: 1 },
			'outcome.byHand.reason: expected a string or nothing',
		],
		['request', null, 'request: expected an object or nothing, got null'],
		['request.url', undefined, 'request.url: expected a string, got undefined'],
		['request.headers', [['x-app']], 'request.headers: expected a list of [name, value] string pairs'],
		['request.body', new Uint8Array(2), 'request.body: expected a string or nothing, got object'],
		['request.bodyOmitted', 1, 'request.bodyOmitted: expected a boolean or nothing, got 1'],
		['lease', { owner: 'c-1', until: 1, fence: '2' }, 'lease.fence: expected a finite number, got "2"'],
		['history', {}, 'history: expected a list or nothing, got object'],
		['history', [{ at: 1 }, { at: 'then' }], 'history.1.at: expected a finite number, got "then"'],
		['trace', { traceparent: 1 }, 'trace.traceparent: expected a string, got 1'],
	])('reports %s set to %o: "%s"', (path, value, message) => {
		expect(recordProblem(broken(succeeded(), path, value))).toContain(message);
	});

	it.each([
		['null', null, 'record: expected an object, got null'],
		['a string', '{"v":1}', 'record: expected an object, got "{\\"v\\":1}"'],
		['an array', [fresh()], 'record: expected an object, got an array'],
	])('reports %s in place of a record', (_what, value, message) => {
		expect(recordProblem(value)).toBe(message);
	});

	it('names the first three broken fields, in the order of the format', () => {
		const { key: _k, fingerprint: _f, state: _s, revision: _r, ...partial } = fresh();
		expect(recordProblem(partial)).toBe(
			'key: expected a string or null, got undefined; fingerprint: expected a string, got undefined; state: expected one of "pending", "inflight", "succeeded", "failed", "unknown", got undefined',
		);
	});

	it('cuts a long string it shows, so a foreign blob does not flood the message', () => {
		expect(recordProblem({ ...fresh(), state: 'x'.repeat(1000) })).toContain(`got "${'x'.repeat(40)}..."`);
	});

	it.each([
		[{ scope: 'tenant-1', operation: 'op-1' }, undefined],
		[{ scope: 'tenant-1' }, undefined],
		[{ scope: 'tenant-2', operation: 'op-1' }, 'it belongs to scope "tenant-1", operation "op-1"'],
		[{ scope: 'tenant-1', operation: 'op-2' }, 'it belongs to scope "tenant-1", operation "op-1"'],
		[{ scope: 'tenant-2' }, 'it belongs to scope "tenant-1", operation "op-1"'],
	])('checks that a valid record is the one expected (%o)', (expected, problem) => {
		expect(recordProblem(fresh(), expected)).toBe(problem);
	});
});

describe('JournalRecordSchema (Standard Schema v1)', () => {
	const { validate, version, vendor } = JournalRecordSchema['~standard'];

	it('is a Standard Schema v1 of vendor idemkey', () => {
		expect({ version, vendor }).toEqual({ version: 1, vendor: 'idemkey' });
	});

	it('hands back a valid record itself, not a copy', () => {
		const record = succeeded();
		expect(validate(record)).toEqual({ value: record });
		expect(validate(record).value).toBe(record);
	});

	it('lists every issue with its path, as recordProblem reports them', () => {
		const value = broken(broken(succeeded(), 'outcome.status', '201'), 'scope', 1);
		expect(validate(value).issues).toEqual([
			{ path: ['scope'], message: 'expected a string, got 1' },
			{ path: ['outcome', 'status'], message: 'expected a finite number, got "201"' },
		]);
		expect(recordProblem(value)).toBe(
			'scope: expected a string, got 1; outcome.status: expected a finite number, got "201"',
		);
	});
});
