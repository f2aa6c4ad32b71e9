import { OPERATION_STATES, type OperationState, RECORD_VERSION } from '../record.js';
import { crc32 } from './crc32.js';
import type { DropMeta, LineLocation, PutMeta } from './format.js';

export type ScannedPut = PutMeta & LineLocation;
export type ScannedEntry = ScannedPut | DropMeta;

export type ScanResult = {
	/** Offset just past the last whole frame. */
	end: number;
	/**
	Set when `buf` is not the end of the file and the frame at `end` did not fit or did not read: the caller reads
	on from `end`, at least `need` bytes (when the frame's length is known).
	*/
	more?: { need?: number };
	/** An incomplete or damaged tail with no whole frame after it: what a crash mid-write leaves. */
	torn?: { offset: number; bytes: number };
};

/** A frame that cannot be read although whole frames follow it (or that is whole but malformed). */
export class FrameError extends Error {
	constructor(
		readonly offset: number,
		readonly reason: string,
		/** The record version found, when the frame was written by a newer idemkey. */
		readonly futureVersion?: number,
	) {
		super(reason);
	}
}

type Read = { ok: true; end: number; entries: ScannedEntry[] } | { ok: false; reason: string; need?: number };

const STATES: ReadonlySet<string> = new Set(OPERATION_STATES);
const isInt = (value: unknown): value is number => Number.isSafeInteger(value);
const SPACE = 0x20;
const NEWLINE = 0x0a;

function metaEntry(raw: unknown, at: number): PutMeta | DropMeta {
	if (!Array.isArray(raw) || typeof raw[1] !== 'string' || typeof raw[2] !== 'string') {
		throw new FrameError(at, 'an entry lacks its scope or operation');
	}
	const [kind, scope, operation] = raw as [unknown, string, string];
	if (kind === 'd' && raw.length === 3) return { kind, scope, operation };
	if (kind !== 'p') throw new FrameError(at, `an entry has the unknown kind ${JSON.stringify(kind)}`);
	const [, , , revision, state, createdAt, retainUntil, v] = raw as unknown[];
	if (isInt(v) && v > RECORD_VERSION) {
		throw new FrameError(at, `operation "${operation}" is a version ${v} record`, v);
	}
	if (
		v !== RECORD_VERSION ||
		!isInt(revision) ||
		revision < 1 ||
		typeof state !== 'string' ||
		!STATES.has(state) ||
		!isInt(createdAt) ||
		!isInt(retainUntil)
	) {
		throw new FrameError(at, `the entry of operation "${operation}" has missing or mistyped fields`);
	}
	return { kind, scope, operation, revision, state: state as OperationState, createdAt, retainUntil };
}

// Built field by field: a spread makes a start-up scan of 100,000 records markedly slower (and more garbage).
const located = (meta: PutMeta, offset: number, length: number): ScannedPut => ({
	kind: 'p',
	scope: meta.scope,
	operation: meta.operation,
	revision: meta.revision,
	state: meta.state,
	createdAt: meta.createdAt,
	retainUntil: meta.retainUntil,
	offset,
	length,
});

/** Reads the frame at `pos`; `base` is the file offset of `buf[0]`. Throws FrameError for a whole but malformed frame. */
function readFrame(buf: Buffer, pos: number, base: number): Read {
	const newline = buf.indexOf(NEWLINE, pos);
	if (newline === -1) return { ok: false, reason: 'the frame header is incomplete' };
	if (newline - pos < 13 || buf[pos + 8] !== SPACE)
		return { ok: false, reason: 'the frame header is malformed' };
	const crc = Number.parseInt(buf.toString('latin1', pos, pos + 8), 16);
	const lengthEnd = buf.indexOf(SPACE, pos + 9);
	if (lengthEnd === -1 || lengthEnd > newline) return { ok: false, reason: 'the frame header is malformed' };
	const bodyBytes = Number(buf.toString('latin1', pos + 9, lengthEnd));
	if (!Number.isSafeInteger(bodyBytes) || bodyBytes < 0 || !Number.isSafeInteger(crc)) {
		return { ok: false, reason: 'the frame header is malformed' };
	}
	const end = newline + 1 + bodyBytes;
	if (end > buf.length) return { ok: false, reason: 'the frame is incomplete', need: end - pos };
	if (crc32(buf.subarray(pos + 9, end)) !== crc) return { ok: false, reason: 'the frame fails its checksum' };

	// From here the bytes are exactly as written: anything wrong is a bug or a hand edit, never a torn write.
	const at = base + pos;
	let meta: unknown;
	try {
		meta = JSON.parse(buf.toString('utf8', lengthEnd + 1, newline));
	} catch {
		throw new FrameError(at, 'the frame index is not JSON');
	}
	if (!Array.isArray(meta)) throw new FrameError(at, 'the frame index is not a list');
	const entries: ScannedEntry[] = [];
	let line = newline + 1;
	for (const raw of meta) {
		const entry = metaEntry(raw, at);
		if (entry.kind === 'd') {
			entries.push(entry);
			continue;
		}
		const lineEnd = buf.indexOf(NEWLINE, line);
		if (lineEnd === -1 || lineEnd >= end)
			throw new FrameError(at, 'the frame has fewer records than entries');
		entries.push(located(entry, base + line, lineEnd + 1 - line));
		line = lineEnd + 1;
	}
	if (line !== end) throw new FrameError(at, 'the frame has more records than entries');
	return { ok: true, end, entries };
}

/** Whether a whole frame starts at any line after `pos`. */
function wholeFrameAfter(buf: Buffer, pos: number, base: number): boolean {
	for (
		let at = buf.indexOf(NEWLINE, pos);
		at !== -1 && at + 1 < buf.length;
		at = buf.indexOf(NEWLINE, at + 1)
	) {
		try {
			if (readFrame(buf, at + 1, base).ok) return true;
		} catch (error) {
			if (error instanceof FrameError) return true;
			throw error;
		}
	}
	return false;
}

/**
Reads the frames of `buf` from `start`, handing each entry of each whole frame to `apply`, in order. A bad frame
followed by whole ones is corruption (FrameError); a bad tail is reported as torn for the caller to cut off. When
`buf` is only a part of the file (`atEnd` false), a frame that does not read ends the scan with `more` instead:
whether it is torn, cut by the chunk, or followed by whole frames can only be told with more of the file.
*/
export function scanFrames(
	buf: Buffer,
	start: number,
	base: number,
	apply: (entry: ScannedEntry) => void,
	atEnd = true,
): ScanResult {
	let pos = start;
	while (pos < buf.length) {
		const frame = readFrame(buf, pos, base);
		if (!frame.ok) {
			if (!atEnd) return { end: base + pos, more: frame.need === undefined ? {} : { need: frame.need } };
			if (wholeFrameAfter(buf, pos, base)) throw new FrameError(base + pos, frame.reason);
			return { end: base + pos, torn: { offset: base + pos, bytes: buf.length - pos } };
		}
		for (const entry of frame.entries) apply(entry);
		pos = frame.end;
	}
	return { end: base + pos };
}
