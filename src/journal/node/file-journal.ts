import * as nodeFs from 'node:fs';
import { join, resolve } from 'node:path';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { JournalError } from '../../errors/classes.js';
import { callHook } from '../../utils/call-hook.js';
import type { Journal, JournalCallOptions } from '../journal.js';
import { isFinished, type JournalRecord, recordId, recordProblem } from '../record.js';
import { checkOptions } from './check-options.js';
import { ioFailure } from './failures.js';
import { type FrameEntry, type PutEntry, putEntry } from './format.js';
import { DirectoryLock } from './lock.js';
import { LogFile } from './log-file.js';
import { DEFAULTS, type FileJournalOptions, type FileJournalWarning } from './options.js';

type OpInput =
	| { kind: 'create'; entry: PutEntry; record: JournalRecord }
	| { kind: 'cas'; entry: PutEntry }
	| { kind: 'gc'; now: number }
	| { kind: 'sync' };
type Op = OpInput & {
	resolve: (value: never) => void;
	reject: (error: unknown) => void;
	/** Its caller stopped waiting before it was decided: already rejected, and never written. */
	cancelled?: boolean;
	/** Decided under the lock: from then on it is answered as decided, whatever its caller does. */
	decided?: boolean;
	/** Tells the batch holding it that it was cancelled. */
	onCancel?: () => void;
};

/** What a batch decided for one operation: its answer, and whether that answer must wait for fsync. */
type Decision = { op: Op; value: unknown; durable: boolean };

/** The frame a commit is building, and the latest write of each record in it (null: deleted). */
type Batch = { entries: FrameEntry[]; latest: Map<string, PutEntry | null> };

/** The latest version of a record as a batch sees it: on disk, or written earlier in the same batch. */
type Current = { revision: number; read: () => JournalRecord } | undefined;

const MAX_WARNINGS = 100;
const LOG_NAME = 'journal.log';
const LOCK_NAME = 'journal.lock';

/**
A durable journal in a directory, for Node. Every write is appended to a log and on disk (fsync) before its
promise resolves (see `durability`); writes issued together share one disk write and one fsync (group commit).
Processes sharing the directory take turns through a lock file and read each other's writes, so create-if-absent
and compare-and-set hold across them. The directory is opened, and the log scanned, on first use.

```ts
import { createClient } from 'idemkey';
import { FileJournal } from 'idemkey/node';
const journal = new FileJournal({ directory: '.idemkey' });
const api = createClient({ baseUrl, journal });
// ...
await journal.close();
```
*/
export class FileJournal implements Journal {
	/** Absolute path of the journal's directory. */
	readonly directory: string;
	readonly #fs;
	readonly #options;
	readonly #lock: DirectoryLock;
	readonly #log: LogFile;
	readonly #warnings: FileJournalWarning[] = [];
	#queue: Op[] = [];
	#draining = false;
	#opened: Promise<void> | undefined;
	#closed: Promise<void> | undefined;
	#compactionBlockedBelow = 0;
	/** The log has been opened and read. */
	#ready = false;

	constructor(options: FileJournalOptions) {
		checkOptions(options);
		this.directory = resolve(options.directory);
		this.#fs = options.fs ?? nodeFs;
		this.#options = { ...DEFAULTS, ...withoutUndefined(options) };
		const warn = (warning: FileJournalWarning) => this.#warn(warning);
		this.#lock = new DirectoryLock(
			this.#fs,
			join(this.directory, LOCK_NAME),
			this.#options.staleLockMs,
			warn,
		);
		this.#log = new LogFile(this.#fs, join(this.directory, LOG_NAME), warn);
	}

	/** Torn writes skipped and stale locks taken over so far (the latest 100). */
	get warnings(): readonly FileJournalWarning[] {
		return Object.freeze([...this.#warnings]);
	}

	/** Waits while another process holds the directory lock; `options.signal` ends the wait, writing nothing. */
	create(record: JournalRecord, options?: JournalCallOptions): Promise<JournalRecord> {
		return this.#write('create', record, options?.signal);
	}

	/** Waits while another process holds the directory lock; `options.signal` ends the wait, writing nothing. */
	compareAndSet(next: JournalRecord, options?: JournalCallOptions): Promise<boolean> {
		return this.#write('cas', next, options?.signal);
	}

	/** Catching up with other processes' writes waits for the directory lock; `options.signal` ends the wait. */
	async get(
		scope: string,
		operation: string,
		options?: JournalCallOptions,
	): Promise<JournalRecord | undefined> {
		await this.#fresh(options?.signal);
		const entry = this.#log.index.get(scope, operation);
		return entry ? this.#log.readRecord(entry) : undefined;
	}

	/** Catching up with other processes' writes waits for the directory lock; `options.signal` ends the wait. */
	async listUnfinished(scope: string, options?: JournalCallOptions): Promise<JournalRecord[]> {
		await this.#fresh(options?.signal);
		const entries = [...this.#log.index.values()].filter((e) => e.scope === scope && !isFinished(e.state));
		entries.sort((a, b) => a.createdAt - b.createdAt);
		return entries.map((entry) => this.#log.readRecord(entry));
	}

	collectGarbage(now: number): Promise<number> {
		return this.#enqueue<number>({ kind: 'gc', now }, undefined);
	}

	/** Waits for pending writes and their fsyncs, then closes the log. Later calls fail with a JournalError. */
	close(): Promise<void> {
		this.#closed ??= (async () => {
			while (this.#draining) await nextTurn();
			if (this.#opened) {
				await this.#opened.catch(() => {});
				await this.#log.close();
			}
		})();
		return this.#closed;
	}

	#write<T>(kind: 'create' | 'cas', record: JournalRecord, signal: AbortSignal | undefined): Promise<T> {
		const problem = recordProblem(record);
		if (problem !== undefined) {
			return Promise.reject(
				new JournalError(
					`FileJournal refused to write an invalid record (${problem}); nothing was written.`,
					{ operation: (record as { operation?: string } | undefined)?.operation },
				),
			);
		}
		const entry = putEntry(record);
		return this.#enqueue<T>(kind === 'create' ? { kind, entry, record } : { kind, entry }, signal);
	}

	/**
	Reads need other processes' writes: when the log changed since we read it (or was never opened), catch up first.
	Through the queue, so that the lock wait (opening takes the lock too) is one the signal can end.
	*/
	async #fresh(signal: AbortSignal | undefined): Promise<void> {
		if (this.#closed) throw closedError(this.directory);
		if (!this.#ready || !this.#log.isCurrent()) await this.#enqueue<void>({ kind: 'sync' }, signal);
	}

	#enqueue<T>(input: OpInput, signal: AbortSignal | undefined): Promise<T> {
		if (this.#closed) return Promise.reject(closedError(this.directory));
		if (signal?.aborted) return Promise.reject(signal.reason);
		return new Promise<T>((resolve, reject) => {
			const op = { ...input, resolve, reject } as Op;
			if (signal) this.#cancelOn(signal, op);
			this.#queue.push(op);
			if (!this.#draining) {
				this.#draining = true;
				void this.#drain();
			}
		});
	}

	/** Until `op` is decided, an abort of `signal` rejects it with the signal's reason, and it is never written. */
	#cancelOn(signal: AbortSignal, op: Op): void {
		const { resolve, reject } = op;
		const onAbort = () => {
			if (op.decided) return;
			op.cancelled = true;
			const queued = this.#queue.indexOf(op);
			if (queued >= 0) this.#queue.splice(queued, 1);
			op.reject(signal.reason);
			op.onCancel?.();
		};
		signal.addEventListener('abort', onAbort, { once: true });
		op.resolve = (value) => {
			signal.removeEventListener('abort', onAbort);
			resolve(value);
		};
		op.reject = (error) => {
			signal.removeEventListener('abort', onAbort);
			reject(error);
		};
	}

	async #drain(): Promise<void> {
		try {
			// Let every write issued in this turn (or within groupCommitMs) join the batch.
			await (this.#options.groupCommitMs > 0 ? sleep(this.#options.groupCommitMs) : nextTurn());
			while (this.#queue.length > 0) await this.#commit(this.#queue.splice(0));
		} finally {
			this.#draining = false;
		}
	}

	/**
	Only a commit opens the log (one at a time), so `stop` is the signal of the one batch waiting for it. No check for
	`close()` here: new calls are refused when they are made (see `#enqueue`), and close waits for the ones made before.
	*/
	#ensureOpen(stop: AbortSignal): Promise<void> {
		this.#opened ??= this.#open(stop).then(
			() => {
				this.#ready = true;
			},
			(error: unknown) => {
				// Retried on the next call: the directory or file may have been fixed meanwhile (or its callers left).
				this.#opened = undefined;
				throw error;
			},
		);
		return this.#opened;
	}

	async #open(stop: AbortSignal): Promise<void> {
		try {
			this.#fs.mkdirSync(this.directory, { recursive: true, mode: 0o700 });
		} catch (error) {
			throw ioFailure('create the journal directory', this.directory, error);
		}
		await this.#locked(stop, async () => {
			await this.#log.open();
			await this.#maybeCompact();
		});
	}

	async #locked<T>(stop: AbortSignal, body: () => Promise<T>): Promise<T> {
		await this.#lock.acquire(stop);
		try {
			return await body();
		} finally {
			this.#lock.release();
		}
	}

	/** One group commit: under the lock, catch up, decide every operation, append one frame; then answer. */
	async #commit(ops: Op[]): Promise<void> {
		// The lock wait ends once every caller of the batch stopped waiting: nothing of it is left to write.
		const stop = new AbortController();
		const onCancel = () => {
			if (ops.every((op) => op.cancelled)) stop.abort();
		};
		for (const op of ops) op.onCancel = onCancel;
		let decisions: Decision[];
		try {
			await this.#ensureOpen(stop.signal);
			decisions = await this.#locked(stop.signal, async () => {
				await this.#log.catchUp();
				const live = ops.filter((op) => !op.cancelled);
				for (const op of live) op.decided = true;
				const batch: Batch = { entries: [], latest: new Map() };
				const decided = live.map((op) => this.#decide(op, batch));
				if (batch.entries.length > 0) {
					this.#log.append(batch.entries);
					await this.#maybeCompact();
				}
				return decided;
			});
		} catch (error) {
			for (const op of ops) if (!op.cancelled) op.reject(error);
			return;
		}
		const durable = decisions.some((d) => d.durable) ? this.#log.syncer.request() : undefined;
		for (const { op, value, durable: waits } of decisions) {
			if (value instanceof Error) op.reject(value);
			else if (!waits || !durable) op.resolve(value as never);
			else
				durable.then(
					() => op.resolve(value as never),
					(error: unknown) => op.reject(ioFailure('flush the journal file to disk', this.#log.path, error)),
				);
		}
	}

	/** Decides one operation against the log plus what this batch already wrote. */
	#decide(op: Op, batch: Batch): Decision {
		const current = (meta: { scope: string; operation: string }): Current => {
			const written = batch.latest.get(recordId(meta.scope, meta.operation));
			if (written === null) return undefined;
			if (written) return { revision: written.meta.revision, read: () => JSON.parse(written.json) };
			const entry = this.#log.index.get(meta.scope, meta.operation);
			return entry ? { revision: entry.revision, read: () => this.#log.readRecord(entry) } : undefined;
		};
		const write = (entry: FrameEntry) => {
			batch.entries.push(entry);
			const meta = entry.kind === 'p' ? entry.meta : entry;
			batch.latest.set(recordId(meta.scope, meta.operation), entry.kind === 'p' ? entry : null);
		};
		try {
			switch (op.kind) {
				case 'sync':
					return { op, value: undefined, durable: false };
				case 'gc': {
					let removed = 0;
					for (const { scope, operation, state, retainUntil } of this.#log.index.values()) {
						if (!isFinished(state) || retainUntil > op.now || batch.latest.has(recordId(scope, operation))) {
							continue;
						}
						write({ kind: 'd', scope, operation });
						removed++;
					}
					return { op, value: removed, durable: removed > 0 && this.#options.durability === 'every-write' };
				}
				case 'create': {
					const existing = current(op.entry.meta);
					if (existing) return { op, value: existing.read(), durable: false };
					write(op.entry);
					// The given record itself, as the Journal contract says: the client tells its own new record from an
					// earlier run's by identity (a key-less operation has no minted key to tell them apart).
					return { op, value: op.record, durable: this.#mustSync(op.entry) };
				}
				case 'cas': {
					const stored = current(op.entry.meta);
					if (stored?.revision !== op.entry.meta.revision - 1) return { op, value: false, durable: false };
					write(op.entry);
					return { op, value: true, durable: this.#mustSync(op.entry) };
				}
			}
		} catch (error) {
			return { op, value: error instanceof Error ? error : new Error(String(error)), durable: false };
		}
	}

	#mustSync(entry: PutEntry): boolean {
		return this.#options.durability === 'every-write' || entry.meta.state === 'inflight';
	}

	/** Rewrites the log once it is large and mostly dead. A failure is not the writers' problem: retried later. */
	async #maybeCompact(): Promise<void> {
		const size = this.#log.size;
		const { compactAfterBytes } = this.#options;
		if (size < compactAfterBytes || size < this.#compactionBlockedBelow) return;
		if (size - this.#log.index.liveBytes < size / 2) return;
		try {
			await this.#log.compact();
			this.#compactionBlockedBelow = 0;
		} catch {
			this.#compactionBlockedBelow = size + compactAfterBytes;
		}
	}

	#warn(warning: FileJournalWarning): void {
		this.#warnings.push(Object.freeze(warning));
		if (this.#warnings.length > MAX_WARNINGS) this.#warnings.shift();
		// A logging hook must not break the journal, nor (rejecting) the process.
		callHook(this.#options.onWarning, warning);
	}
}

const closedError = (directory: string) =>
	new JournalError(
		`This FileJournal (${directory}) is closed; create a new FileJournal to use the directory again.`,
	);

function withoutUndefined<T extends object>(value: T): Partial<T> {
	return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
