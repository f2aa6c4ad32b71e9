import type * as nodeFs from 'node:fs';

/**
The file-system calls FileJournal makes. Pass a copy of `node:fs` with some calls replaced to simulate a full disk, a failing `fsync` or a read-only directory in tests.
*/
export type FileJournalFs = Pick<
	typeof nodeFs,
	| 'closeSync'
	| 'fdatasync'
	| 'fstatSync'
	| 'fsync'
	| 'ftruncateSync'
	| 'mkdirSync'
	| 'openSync'
	| 'readdirSync'
	| 'readFileSync'
	| 'readSync'
	| 'renameSync'
	| 'statSync'
	| 'unlinkSync'
	| 'writeSync'
>;

/** Something FileJournal recovered from on its own, reported rather than thrown. */
export type FileJournalWarning = {
	/**
	`torn-write`: the journal ended in an incomplete write (a crash or power cut mid-write); those bytes were skipped, saved to `savedTo` and cut off. Nothing acknowledged was lost: a write is acknowledged only once complete.
	`stale-lock`: a process died while holding the journal's lock (or held it past `staleLockMs`); the lock was taken over.
	*/
	code: 'torn-write' | 'stale-lock';
	message: string;
	/** The file concerned. */
	file: string;
	/** Byte offset where the skipped bytes started (`torn-write`). */
	offset?: number;
	/** How many bytes were skipped (`torn-write`). */
	bytes?: number;
	/** Where the skipped bytes were copied for inspection (`torn-write`). */
	savedTo?: string;
};

export type FileJournalOptions = {
	/**
	The journal's directory (created with mode 0700 if missing). Processes that share it share their operations: create is create-if-absent and compare-and-set is atomic across them.
	*/
	directory: string;
	/**
	When a write resolves. `'every-write'`: every write is on disk (fsync) before its promise resolves. `'before-send'`: only writes that claim an attempt (state `inflight`, written just before the request leaves) wait for fsync; the others resolve once written to the file, which survives a process crash but may be lost in a power cut, after which the operation resumes under its journaled key. The fsync of a claim covers every write before it.
	@default 'every-write'
	*/
	durability?: 'every-write' | 'before-send';
	/**
	How long a write waits for others to share its disk write and fsync. 0 still groups every write issued in the same event-loop turn.
	@default 0
	*/
	groupCommitMs?: number;
	/**
	The log is rewritten without superseded and deleted entries once it is at least this large and at least half of it is dead.
	@default 8_388_608 (8 MiB)
	*/
	compactAfterBytes?: number;
	/**
	A lock held longer than this is taken over even when its holder looks alive (a holder on another host, in another PID namespace, or whose process id was reused). A holder that died on this host is detected at once.
	@default 30_000
	*/
	staleLockMs?: number;
	/**
	Called for each warning (see `FileJournalWarning`); warnings are also kept in `FileJournal.warnings`. What it throws,
	and the rejection of a promise it returns, is ignored: a logging hook can break neither the journal nor the process.
	*/
	onWarning?: (warning: FileJournalWarning) => void;
	/**
	The file-system implementation, for fault injection in tests.
	@default node:fs
	*/
	fs?: FileJournalFs;
};

export const DEFAULTS = {
	durability: 'every-write',
	groupCommitMs: 0,
	compactAfterBytes: 8 * 1024 * 1024,
	staleLockMs: 30_000,
} as const;
