import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import type { JournalError } from '../../errors/classes.js';
import { count } from '../../utils/plural.js';
import { type JournalRecord, recordProblem } from '../record.js';
import { corruptFile, errorCode, ioFailure, REPAIR_HINT } from './failures.js';
import { fdatasync, fsync, readFully, syncDirectory, writeFully } from './file-io.js';
import { encodeFrame, FILE_HEADER, FORMAT_VERSION, type FrameEntry, type PutEntry } from './format.js';
import { GroupSync } from './group-sync.js';
import type { FileJournalFs, FileJournalWarning } from './options.js';
import { type IndexEntry, RecordIndex } from './record-index.js';
import { FrameError, type ScannedEntry, type ScanResult, scanFrames } from './scan.js';

const HEADER_BYTES = Buffer.byteLength(FILE_HEADER);
const COMPACT_FRAME_ENTRIES = 1024;
const COMPACT_FRAME_BYTES = 1024 * 1024;
const SCAN_CHUNK_BYTES = 4 * 1024 * 1024;

/**
The journal's log file and its in-memory index. Every method that reads the file's tail or writes to it expects
the caller to hold the directory lock; `readRecord` and `isCurrent` do not.
*/
export class LogFile {
	#index = new RecordIndex();
	#fd = -1;
	#ino = -1;
	#dev = -1;
	/** Bytes of the file read into the index: the offset of the next frame. */
	#size = 0;
	/** Set while the file holds a frame that cannot be read: nothing is appended until a reload succeeds. */
	#corrupt = false;
	readonly syncer = new GroupSync(() => fdatasync(this.fs, this.#fd));

	constructor(
		private readonly fs: FileJournalFs,
		readonly path: string,
		private readonly warn: (warning: FileJournalWarning) => void,
	) {}

	get index(): RecordIndex {
		return this.#index;
	}

	/** Bytes in the file. */
	get size(): number {
		return this.#size;
	}

	/** Opens (creating it if missing) and reads the whole file. */
	async open(): Promise<void> {
		this.#removeLeftovers();
		let fd: number;
		try {
			fd = this.fs.openSync(this.path, 'wx+', 0o600);
		} catch (error) {
			if (errorCode(error) !== 'EEXIST') throw ioFailure('create the journal file', this.path, error);
			fd = this.#openExisting();
		}
		this.#adopt(fd);
		if (this.#load()) await this.#writeHeader();
	}

	/** Whether the file is exactly what the index has read (no other process wrote or compacted it since). */
	isCurrent(): boolean {
		const stat = this.#stat();
		return !this.#corrupt && stat !== undefined && this.#sameFile(stat) && stat.size === this.#size;
	}

	/** Brings the index up to date with what other processes wrote. */
	async catchUp(): Promise<void> {
		const stat = this.#stat();
		if (!stat) {
			// Deleted under us (a reset by hand): start over with a new, empty file.
			this.#retire();
			await this.open();
			return;
		}
		if (!this.#sameFile(stat)) {
			// Another process compacted the log: its new file holds everything the old one did.
			const fd = this.#openExisting();
			this.#retire();
			this.#adopt(fd);
			if (this.#load()) await this.#writeHeader();
		} else if (this.#corrupt || stat.size < this.#size) {
			if (this.#load()) await this.#writeHeader();
		} else if (stat.size > this.#size) {
			this.#scan(this.#size, stat.size);
		}
	}

	/** Appends one frame and indexes it. On failure the file is cut back, so nothing of the frame remains. */
	append(entries: readonly FrameEntry[]): void {
		if (this.#corrupt) throw new Error('LogFile.append on a corrupt file');
		const frame = encodeFrame(entries);
		const at = this.#size;
		try {
			writeFully(this.fs, this.#fd, frame.bytes, at);
		} catch (error) {
			try {
				this.fs.ftruncateSync(this.#fd, at);
			} catch {
				// The partial frame stays as a torn tail: the next catch-up cuts it off.
			}
			throw ioFailure('write to the journal file', this.path, error);
		}
		this.#size = at + frame.bytes.length;
		let line = 0;
		for (const entry of entries) {
			if (entry.kind === 'd') {
				this.#index.apply(entry);
				continue;
			}
			const position = frame.lines[line++] as { offset: number; length: number };
			this.#index.apply({ ...entry.meta, offset: at + position.offset, length: position.length });
		}
	}

	/** The record an index entry points at, checked against the schema and the entry. */
	readRecord(entry: IndexEntry): JournalRecord {
		const text = this.#readLine(entry);
		const problem = (what: string) =>
			corruptFile(
				this.path,
				this.#where(entry.offset),
				`the record of operation "${entry.operation}" ${what}`,
				REPAIR_HINT,
			);
		let value: unknown;
		try {
			value = JSON.parse(text);
		} catch {
			throw problem('is not JSON');
		}
		const invalid = recordProblem(value);
		if (invalid !== undefined) throw problem(`is invalid (${invalid})`);
		const record = value as JournalRecord;
		if (
			record.scope !== entry.scope ||
			record.operation !== entry.operation ||
			record.revision !== entry.revision ||
			record.state !== entry.state
		) {
			throw problem('does not match its frame index');
		}
		return record;
	}

	/** Rewrites the file with only the live records, then renames it into place. */
	async compact(): Promise<void> {
		const tmp = `${this.path}.compact-${randomBytes(6).toString('hex')}`;
		let fd: number | undefined;
		const fresh = new RecordIndex();
		let at = HEADER_BYTES;
		try {
			fd = this.fs.openSync(tmp, 'wx+', 0o600);
			writeFully(this.fs, fd, Buffer.from(FILE_HEADER), 0);
			let batch: FrameEntry[] = [];
			let batchBytes = 0;
			const flush = (target: number) => {
				const frame = encodeFrame(batch);
				writeFully(this.fs, target, frame.bytes, at);
				frame.lines.forEach((position, i) => {
					const entry = batch[i] as PutEntry;
					fresh.apply({ ...entry.meta, offset: at + position.offset, length: position.length });
				});
				at += frame.bytes.length;
				batch = [];
				batchBytes = 0;
			};
			for (const entry of this.#index.values()) {
				const { offset: _offset, length, ...meta } = entry;
				batch.push({ kind: 'p', meta: { kind: 'p', ...meta }, json: this.#readLine(entry) });
				batchBytes += length;
				if (batch.length >= COMPACT_FRAME_ENTRIES || batchBytes >= COMPACT_FRAME_BYTES) flush(fd);
			}
			if (batch.length > 0) flush(fd);
			await fsync(this.fs, fd);
			this.fs.renameSync(tmp, this.path);
		} catch (error) {
			if (fd !== undefined) this.fs.closeSync(fd);
			try {
				this.fs.unlinkSync(tmp);
			} catch {}
			throw ioFailure('compact the journal file', this.path, error);
		}
		this.#retire();
		this.#adopt(fd as number);
		this.#index = fresh;
		this.#size = at;
		await syncDirectory(this.fs, dirname(this.path));
	}

	/** Closes the file once no fsync needs it any more. */
	async close(): Promise<void> {
		await this.syncer.idle();
		this.#retire();
	}

	#openExisting(): number {
		try {
			return this.fs.openSync(this.path, 'r+');
		} catch (error) {
			throw ioFailure('open the journal file', this.path, error);
		}
	}

	#adopt(fd: number): void {
		const stat = this.fs.fstatSync(fd);
		this.#fd = fd;
		this.#ino = stat.ino;
		this.#dev = stat.dev;
	}

	/** Closes the current descriptor once pending fsyncs on it are done. */
	#retire(): void {
		const fd = this.#fd;
		if (fd === -1) return;
		this.#fd = -1;
		void this.syncer.idle().then(() => {
			try {
				this.fs.closeSync(fd);
			} catch {}
		});
	}

	#stat() {
		try {
			return this.fs.statSync(this.path, { throwIfNoEntry: false });
		} catch (error) {
			throw ioFailure('check the journal file', this.path, error);
		}
	}

	#sameFile(stat: { ino: number; dev: number }): boolean {
		return stat.ino === this.#ino && stat.dev === this.#dev;
	}

	/** Reads the whole file into a fresh index; true when the file still needs its header. */
	#load(): boolean {
		const size = this.fs.fstatSync(this.#fd).size;
		this.#index = new RecordIndex();
		this.#size = 0;
		this.#corrupt = false;
		const head = Buffer.allocUnsafe(Math.min(size, HEADER_BYTES));
		if (readFully(this.fs, this.#fd, head, 0) < HEADER_BYTES || head.toString('latin1') !== FILE_HEADER) {
			// Not a journal (or a torn creation): small enough to judge whole, or refused on its first line anyway.
			const bytes = Buffer.allocUnsafe(Math.min(size, 64 * 1024));
			const read = readFully(this.fs, this.#fd, bytes, 0);
			this.#checkForeign(bytes.subarray(0, read), size);
			if (size > 0) this.#cutTorn({ offset: 0, bytes: size }, bytes.subarray(0, read));
			return true;
		}
		this.#size = HEADER_BYTES;
		this.#scan(HEADER_BYTES, size);
		return false;
	}

	async #writeHeader(): Promise<void> {
		try {
			writeFully(this.fs, this.#fd, Buffer.from(FILE_HEADER), 0);
			await fdatasync(this.fs, this.#fd);
			await syncDirectory(this.fs, dirname(this.path));
		} catch (error) {
			throw ioFailure('initialise the journal file', this.path, error);
		}
		this.#size = HEADER_BYTES;
	}

	/** A first line that is not ours: a newer format, or not a journal at all. Torn creations pass. */
	#checkForeign(bytes: Buffer, size: number): void {
		const firstLine = bytes.toString('utf8', 0, Math.min(bytes.length, 200)).split('\n', 1)[0] ?? '';
		const version = /^idemkey-journal (\d+)$/.exec(firstLine)?.[1];
		if (version !== undefined && Number(version) > FORMAT_VERSION) {
			throw corruptFile(
				this.path,
				'line 1',
				`it was written by a newer idemkey (journal format ${version}; this one reads format ${FORMAT_VERSION})`,
				'Upgrade idemkey to read it, or point `directory` at another directory.',
			);
		}
		const tornCreation =
			size === bytes.length &&
			(FILE_HEADER.startsWith(bytes.toString('latin1')) || bytes.every((byte) => byte === 0));
		if (!tornCreation) {
			throw corruptFile(
				this.path,
				'line 1',
				`it is not an idemkey journal (the first line is not "${FILE_HEADER.trim()}")`,
				'Point `directory` at a directory of its own, or move the file away.',
			);
		}
	}

	/**
	Scans the frames between byte `from` and `to` into the index, a chunk at a time: one buffer the size of a large
	log costs more in page faults than the scan itself. A torn tail is cut off; corruption fails (and blocks writes
	until fixed).
	*/
	#scan(from: number, to: number): void {
		const apply = (entry: ScannedEntry) => this.#index.apply(entry);
		let buf = Buffer.allocUnsafe(Math.min(SCAN_CHUNK_BYTES, to - from));
		let pos = from;
		let want = SCAN_CHUNK_BYTES;
		while (pos < to) {
			const length = Math.min(want, to - pos);
			if (buf.length < length) buf = Buffer.allocUnsafe(length);
			const read = readFully(this.fs, this.#fd, buf.subarray(0, length), pos);
			const chunk = buf.subarray(0, read);
			let result: ScanResult;
			try {
				result = scanFrames(chunk, 0, pos, apply, pos + read >= to || read < length);
			} catch (error) {
				if (!(error instanceof FrameError)) throw error;
				this.#corrupt = true;
				throw this.#frameFailure(error);
			}
			if (result.torn) {
				this.#size = result.end;
				this.#cutTorn(result.torn, chunk.subarray(result.torn.offset - pos));
				return;
			}
			// A frame that did not read with the chunk gets a larger one, up to the rest of the file (then judged).
			const stalled = result.end === pos;
			want = Math.max(SCAN_CHUNK_BYTES, result.more?.need ?? 0, stalled ? length * 2 : 0);
			pos = result.end;
			this.#size = pos;
			// The file was shorter than its size said: what was there is scanned.
			if (read < length) break;
		}
	}

	#frameFailure(error: FrameError): JournalError {
		const where = this.#where(error.offset);
		if (error.futureVersion !== undefined) {
			return corruptFile(
				this.path,
				where,
				`${error.reason}, written by a newer idemkey`,
				'Upgrade idemkey to read this journal, or point `directory` at another directory.',
			);
		}
		return corruptFile(this.path, where, error.reason, REPAIR_HINT);
	}

	/** Saves a torn tail next to the log for inspection, then cuts it off so new frames follow whole ones. */
	#cutTorn(torn: { offset: number; bytes: number }, bytes: Buffer): void {
		const saved = `${this.path}.torn-${Date.now()}-${torn.offset}`;
		let savedTo: string | undefined;
		try {
			const fd = this.fs.openSync(saved, 'wx', 0o600);
			try {
				writeFully(this.fs, fd, bytes, 0);
				savedTo = saved;
			} finally {
				this.fs.closeSync(fd);
			}
		} catch {
			// Keeping a copy is a courtesy; the journal must go on without it (on a full disk, say).
		}
		try {
			this.fs.ftruncateSync(this.#fd, torn.offset);
		} catch (error) {
			throw ioFailure('cut off an incomplete write at the end of the journal file', this.path, error);
		}
		this.#size = torn.offset;
		this.warn({
			code: 'torn-write',
			file: this.path,
			offset: torn.offset,
			bytes: torn.bytes,
			...(savedTo ? { savedTo } : {}),
			message: `Skipped ${count(torn.bytes, 'byte')} of an incomplete write at byte offset ${torn.offset} of ${this.path} (a crash or power cut mid-write; nothing acknowledged was in it)${savedTo ? `; saved to ${savedTo}` : ''}.`,
		});
	}

	#readLine(entry: IndexEntry): string {
		const buf = Buffer.allocUnsafe(entry.length);
		let read: number;
		try {
			read = readFully(this.fs, this.#fd, buf, entry.offset);
		} catch (error) {
			throw ioFailure('read the journal file', this.path, error);
		}
		if (read !== entry.length || buf[entry.length - 1] !== 0x0a) {
			throw corruptFile(this.path, this.#where(entry.offset), 'a record is cut short', REPAIR_HINT);
		}
		return buf.toString('utf8', 0, entry.length - 1);
	}

	/** "line N (byte offset X)", for error messages. */
	#where(offset: number): string {
		let line = 1;
		try {
			const buf = Buffer.allocUnsafe(offset);
			const read = readFully(this.fs, this.#fd, buf, 0);
			for (let i = buf.indexOf(10); i !== -1 && i < read; i = buf.indexOf(10, i + 1)) line++;
		} catch {
			return `byte offset ${offset}`;
		}
		return `line ${line} (byte offset ${offset})`;
	}

	/** Temporary files of a compaction that a crash interrupted (the log itself is intact). */
	#removeLeftovers(): void {
		const prefix = `${basename(this.path)}.compact-`;
		const directory = dirname(this.path);
		try {
			for (const name of this.fs.readdirSync(directory)) {
				if (name.startsWith(prefix)) this.fs.unlinkSync(join(directory, name));
			}
		} catch (error) {
			throw ioFailure('list the journal directory', directory, error);
		}
	}
}
