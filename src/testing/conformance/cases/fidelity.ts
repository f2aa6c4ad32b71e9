import { claimed, settled } from '../../../journal/lifecycle.js';
import type { JournalRecord, RecordOutcome } from '../../../journal/record.js';
import type { CaseContext, CaseGroup } from '../case.js';
import { succeededOutcome } from '../records.js';

// Expiry and retention are compared with Date.now(): seconds or strings would expire keys at once, or never.
async function keepsTimesAsEpochMs({
	journal,
	scope,
	expect,
	fixture,
	created,
	cas,
	expectWellFormed,
}: CaseContext) {
	const before = Date.now();
	const record = await created(journal, fixture(scope, 'op-1', before));
	const read = await journal.get(scope, 'op-1');
	expectWellFormed(read, 'get()');
	for (const field of ['createdAt', 'updatedAt', 'expiresAt', 'retainUntil', 'revision'] as const) {
		expect(typeof read?.[field], `${field} type`).toBe('number');
		expect(read?.[field], field).toBe(record[field]);
	}
	const next = await cas(journal, claimed(record, Date.now()), 'claim');
	const after = await journal.get(scope, 'op-1');
	expectWellFormed(after, 'after claim');
	expect(after?.updatedAt).toBe(next.updatedAt);
	expect(typeof after?.attemptsStarted).toBe('number');
}

const problemOutcome: RecordOutcome = {
	status: 422,
	replayed: null,
	headers: [
		['content-type', 'application/problem+json; charset=utf-8'],
		['link', '<https://example.test/a>; rel="help"'],
		['x-empty', ''],
	],
	body: '{"type":"https://example.test/probs/out-of-stock","detail":"Ünïcödé ✓ 🚀 \\"quoted\\"\\n"}',
	bodyTruncated: false,
	error: 'rejected',
};

async function roundTripsEveryOptionalField(ctx: CaseContext) {
	const { journal, scope, expect, fixture, created, cas, expectWellFormed } = ctx;
	const record: JournalRecord = { ...fixture(scope, 'full'), key: null, expiresAt: null };
	await created(journal, record);
	const claim = claimed(record, record.createdAt + 1);
	await cas(journal, claim, 'claim');
	const done = await cas(journal, settled(claim, 'failed', claim.updatedAt + 1, problemOutcome), 'failed');
	const read = await journal.get(scope, 'full');
	expect(read).toEqual(done);
	expect(read?.key).toBe(null);
	expect(read?.expiresAt).toBe(null);
	expectWellFormed(read, 'full record');
}

// A `request: null` where there was none fails the record check when the client reads it back.
async function addsNoOptionalField({
	journal,
	scope,
	expect,
	fixture,
	created,
	expectWellFormed,
}: CaseContext) {
	const { request: _request, ...bare } = fixture(scope, 'bare');
	await created(journal, bare);
	const read = await journal.get(scope, 'bare');
	expect(read).toEqual(bare);
	expectWellFormed(read, 'bare record');
	expect(read !== undefined && 'request' in read && read.request !== undefined, 'no request added').toBe(
		false,
	);
	expect(read !== undefined && 'outcome' in read && read.outcome !== undefined, 'no outcome added').toBe(
		false,
	);
}

// A replay hands the stored body to the caller as the server's answer, so it must survive storage unchanged.
async function roundTripsALargeBody({ journal, scope, expect, fixture, created, cas }: CaseContext) {
	const record = await created(journal, fixture(scope, 'big'));
	const claim = await cas(journal, claimed(record, record.createdAt + 1), 'claim');
	const body = JSON.stringify({ blob: 'é🚀x'.repeat(5_000), tail: 'x'.repeat(65_536 - 5_000 * 7) });
	const done = await cas(
		journal,
		settled(claim, 'succeeded', claim.updatedAt + 1, succeededOutcome(body)),
		'succeeded',
	);
	const read = await journal.get(scope, 'big');
	expect(read?.outcome?.body?.length).toBe(body.length);
	expect(read?.outcome?.body === body, 'body identical').toBe(true);
	expect(read).toEqual(done);
}

/** Record fidelity: what is read back is what was written, types and all. */
export const fidelityCases: CaseGroup = {
	name: 'record fidelity',
	cases: [
		{ title: 'keeps times and counters as integer epoch-ms numbers', run: keepsTimesAsEpochMs },
		{
			title: 'round-trips a record with every optional field, a null key and a null expiry',
			run: roundTripsEveryOptionalField,
		},
		{ title: 'round-trips a record without optional fields, adding none', run: addsNoOptionalField },
		{ title: 'round-trips a 64 KiB response body byte for byte', run: roundTripsALargeBody },
	],
};
