import type { JournalRecord, RecordOutcome } from '../../journal/record.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const attempt = (fn: () => void): void => {
	try {
		fn();
	} catch {
		// Frozen records refuse writes; refusing is as good as ignoring.
	}
};

/** Tries every kind of write a careless caller could make to a record it holds. */
export function scribble(record: JournalRecord): void {
	const r = record as Mutable<JournalRecord>;
	attempt(() => {
		r.state = 'failed';
	});
	attempt(() => {
		r.key = 'scribbled';
	});
	attempt(() => {
		r.revision = 999;
	});
	attempt(() => {
		r.createdAt = 1;
	});
	attempt(() => {
		r.outcome?.headers.push(['x-scribbled', '1']);
	});
	attempt(() => {
		const first = r.outcome?.headers[0];
		if (first) first[1] = 'scribbled';
	});
	attempt(() => {
		if (r.outcome) (r.outcome as Mutable<RecordOutcome>).status = 599;
	});
	attempt(() => {
		r.request?.headers.push(['x-scribbled', '1']);
	});
	attempt(() => {
		if (r.request) r.request.url = 'http://scribbled.invalid/';
	});
}
