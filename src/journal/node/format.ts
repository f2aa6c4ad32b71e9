import { type JournalRecord, type OperationState, RECORD_VERSION } from '../record.js';
import { crc32 } from './crc32.js';

/*
The log is text. Its first line names the format; then come frames, one per group commit:

	<crc32, 8 hex> <body bytes> <meta JSON>\n
	<record JSON>\n        one line per put, in meta order

meta is an array of entries, ["p", scope, operation, revision, state, createdAt, retainUntil, v] for a record
written or ["d", scope, operation] for one deleted. The CRC covers everything after "<crc32> ", so a frame cut
short by a crash (a torn write) or changed on disk fails it. Start-up reads only the meta lines: the records
themselves are parsed when asked for.
*/

export const FORMAT_VERSION = 1;
export const FILE_HEADER = `idemkey-journal ${FORMAT_VERSION}\n`;

export type PutMeta = {
	kind: 'p';
	scope: string;
	operation: string;
	revision: number;
	state: OperationState;
	createdAt: number;
	retainUntil: number;
};
export type DropMeta = { kind: 'd'; scope: string; operation: string };

/** Where a record's line lies in the log. */
export type LineLocation = {
	/** Byte offset of the record's line in the log. */
	offset: number;
	/** Bytes of the line, newline included. */
	length: number;
};

/** A write to put in a frame: a record (its index fields and its JSON), or a deletion. */
export type FrameEntry = PutEntry | DropMeta;
export type PutEntry = { kind: 'p'; meta: PutMeta; json: string };

/** Where a put's record line landed, relative to the frame's first byte. */
export type LinePosition = { offset: number; length: number };

export type EncodedFrame = { bytes: Buffer; lines: LinePosition[] };

const metaOf = (entry: FrameEntry): unknown[] =>
	entry.kind === 'd'
		? ['d', entry.scope, entry.operation]
		: [
				'p',
				entry.meta.scope,
				entry.meta.operation,
				entry.meta.revision,
				entry.meta.state,
				entry.meta.createdAt,
				entry.meta.retainUntil,
				RECORD_VERSION,
			];

export function encodeFrame(entries: readonly FrameEntry[]): EncodedFrame {
	let body = '';
	let bodyBytes = 0;
	const relative: LinePosition[] = [];
	for (const entry of entries) {
		if (entry.kind !== 'p') continue;
		const length = Buffer.byteLength(entry.json) + 1;
		relative.push({ offset: bodyBytes, length });
		body += `${entry.json}\n`;
		bodyBytes += length;
	}
	const head = `00000000 ${bodyBytes} ${JSON.stringify(entries.map(metaOf))}\n`;
	const headBytes = Buffer.byteLength(head);
	const bytes = Buffer.allocUnsafe(headBytes + bodyBytes);
	bytes.write(head, 0, 'utf8');
	bytes.write(body, headBytes, 'utf8');
	bytes.write(crc32(bytes.subarray(9)).toString(16).padStart(8, '0'), 0, 'latin1');
	return { bytes, lines: relative.map((line) => ({ offset: headBytes + line.offset, length: line.length })) };
}

/** The frame entry that writes `record`. */
export const putEntry = (record: JournalRecord): PutEntry => ({
	kind: 'p',
	meta: {
		kind: 'p',
		scope: record.scope,
		operation: record.operation,
		revision: record.revision,
		state: record.state,
		createdAt: record.createdAt,
		retainUntil: record.retainUntil,
	},
	json: JSON.stringify(record),
});
