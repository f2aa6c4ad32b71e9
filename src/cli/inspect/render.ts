import type { JournalRecord, Lease, RecordOutcome } from '../../journal/record.js';
import { count } from '../../utils/plural.js';
import { printable } from '../printable.js';
import { alignColumns } from '../table.js';
import { formatDuration, whenText } from '../time.js';
import { type TimelineEntry, timelineOf } from './timeline.js';

/** Enough of the SHA-256 to tell two requests apart by eye; `--json` has all of it. */
const FINGERPRINT_SHOWN = 12;

const shortened = (text: string): string =>
	text.length > FINGERPRINT_SHOWN ? `${text.slice(0, FINGERPRINT_SHOWN)}...` : text;

const yesNo = (value: boolean | null | undefined): string =>
	value === true ? 'yes' : value === false ? 'no' : 'unknown';

/**
Where the lease stands: live (another client finding the operation waits for it), expired (the next client takes it
over with a higher fence), or over because the attempt it covered concluded (the record is no longer in flight).
*/
export function leaseText(lease: Lease, state: JournalRecord['state'], now: number): string {
	const held = `owner ${lease.owner}, fence ${lease.fence}, until ${whenText(lease.until, now)}`;
	if (state !== 'inflight') return `${held}; over (the attempt concluded)`;
	return lease.until > now
		? `${held}; live: other clients wait for its outcome`
		: `${held}; expired: the next client takes it over`;
}

/** What the operation ended with, in a line: the answer, the error it raises again, or who settled it by hand. */
export function outcomeText(outcome: RecordOutcome | undefined): string {
	if (!outcome) return '-';
	const { byHand } = outcome;
	const reason = byHand?.reason ? `: ${byHand.reason}` : '';
	if (byHand?.action === 'abandon') return `abandoned by hand (${outcome.error ?? 'abandoned'})${reason}`;
	if (byHand?.action === 'resolve') return `resolved by hand as ${outcome.status}${reason}`;
	const answer = outcome.status > 0 ? [String(outcome.status)] : [];
	if (outcome.error) answer.push(outcome.error);
	answer.push(`replayed ${yesNo(outcome.replayed)}`);
	if (outcome.body !== undefined) answer.push(`body ${count(outcome.body.length, 'character')} kept`);
	else if (outcome.bodyTruncated) answer.push('body over the size cap, not kept');
	return answer.join(', ');
}

/**
How much of the operation the history covers. Fewer entries than attempts started is normal: the record keeps the last
few only, and an attempt cut off before concluding (a crash) or still on the wire has none.
*/
function historyText(record: JournalRecord, entries: number): string {
	if (entries === 0) {
		// A record starts without a history; one whose attempts concluded yet has none was written before histories.
		return record.history === undefined && record.attemptsFinished > 0
			? 'none (the record predates attempt histories)'
			: 'none (no attempt has concluded)';
	}
	return entries >= record.attemptsStarted
		? count(entries, 'attempt')
		: `${entries} of ${count(record.attemptsStarted, 'attempt')} started`;
}

/** `+1.2s`: a length added on; a negative one (clocks of two processes disagreeing) keeps its own sign. */
const signed = (ms: number): string => (ms < 0 ? formatDuration(ms) : `+${formatDuration(ms)}`);

const timelineRows = (timeline: readonly TimelineEntry[]): string[][] => [
	['TIME', 'ELAPSED', 'WAITED', 'RESULT', 'REPLAYED'],
	...timeline.map((entry) => [
		entry.time,
		signed(entry.sinceCreatedMs),
		entry.waitedMs === null ? '-' : signed(entry.waitedMs),
		printable(entry.result),
		yesNo(entry.replayed),
	]),
];

/**
The record as an operator reads it: one aligned `label  value` line per field, then one line per attempt of the
history. Every value from the record is shown escaped: an operation id or a reason could hold terminal controls.
*/
export function renderRecord(record: JournalRecord, now: number): string {
	const fields: [string, string][] = [
		['operation', record.operation],
		['scope', record.scope],
		['request', `${record.method} ${record.path}`],
	];
	if (record.request) fields.push(['url', record.request.url]);
	fields.push(
		['state', record.state],
		['key', record.key ?? '- (the dialect sends this write without a key)'],
		['fingerprint', shortened(record.fingerprint)],
		['attempts', `${record.attemptsStarted} started, ${record.attemptsFinished} concluded`],
	);
	if (record.lease) fields.push(['lease', leaseText(record.lease, record.state, now)]);
	fields.push(
		['interruptions', String(record.interruptions ?? 0)],
		[
			'set aside',
			record.setAsideAt === undefined ? 'no' : `${whenText(record.setAsideAt, now)}: resumed only on request`,
		],
		['outcome', outcomeText(record.outcome)],
		['created', whenText(record.createdAt, now)],
		['updated', whenText(record.updatedAt, now)],
		[
			'key expires',
			record.expiresAt === null ? 'never (no retention documented)' : whenText(record.expiresAt, now),
		],
	);
	if (record.trace) fields.push(['trace', record.trace.traceparent]);
	const timeline = timelineOf(record);
	fields.push(['history', historyText(record, timeline.length)]);
	const head = alignColumns(fields.map(([label, value]) => [label, printable(value)]));
	if (timeline.length === 0) return head;
	const rows = alignColumns(timelineRows(timeline)).replace(/^/gm, '  ');
	return `${head}\n${rows}`;
}
