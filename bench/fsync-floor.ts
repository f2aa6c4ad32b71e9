// What one fsync costs on this machine, done as FileJournal does it: a frame appended to a log in a fresh directory
// of the OS temp dir (where the bench's FileJournal lives) with one positioned write, then `fdatasync` through its
// callback. Appending grows the file, so each fdatasync also commits the new size, as the journal's do. Then the same
// with the rest of FileJournal's file-system calls of one commit around it (take the lock file, stat the log, append,
// remove the lock file, fdatasync): the lock file's creation and removal are directory changes that the file system
// may have to commit with the fdatasync.
// Run by fsync-step.ts in a child process: `node bench/fsync-floor.ts [samples] [max ms]`; prints one JSON line.
import fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { percentile } from './stats.ts';

export type FsyncFloor = {
	samples: number;
	/** µs from the fdatasync call to its callback. */
	syncMedianMicros: number;
	syncP90Micros: number;
	/** µs for the write and the fdatasync together. */
	writeSyncMedianMicros: number;
	writeSyncP90Micros: number;
	/** The fdatasync, and the whole commit, when the lock file comes and goes around the write as in FileJournal. */
	lockedSyncMedianMicros: number;
	lockedCommitMedianMicros: number;
	lockedCommitP90Micros: number;
};

// About the size of the frame FileJournal appends for one record (meta line plus record JSON).
const FRAME = Buffer.alloc(1024, 'x');
FRAME[FRAME.length - 1] = 0x0a;

const [samplesArg = '1000', maxMsArg = '3000'] = process.argv.slice(2);
const directory = await mkdtemp(path.join(os.tmpdir(), 'idemkey-bench-fsync-'));
const LOCK = path.join(directory, 'journal.lock');
const LOG = path.join(directory, 'journal.log');
const fd = fs.openSync(LOG, 'wx+', 0o600);
const fdatasync = () =>
	new Promise<void>((resolve, reject) => fs.fdatasync(fd, (error) => (error ? reject(error) : resolve())));

let at = 0;
/** One commit's file-system calls; returns µs for [the fdatasync, the whole commit]. */
async function commit(locked: boolean): Promise<[number, number]> {
	const started = performance.now();
	if (locked) {
		const lock = fs.openSync(LOCK, 'wx', 0o600);
		fs.writeSync(lock, `{"pid":${process.pid}}`);
		fs.closeSync(lock);
		fs.statSync(LOG);
	}
	fs.writeSync(fd, FRAME, 0, FRAME.length, at);
	at += FRAME.length;
	if (locked) fs.unlinkSync(LOCK);
	const written = performance.now();
	await fdatasync();
	const done = performance.now();
	return [(done - written) * 1000, (done - started) * 1000];
}

const sync: number[] = [];
const writeSync: number[] = [];
const lockedSync: number[] = [];
const lockedCommit: number[] = [];
try {
	// The first few include creating the file's first blocks and warming the code: not the steady state.
	for (let i = 0; i < 20; i++) await commit(i % 2 === 0);
	const until = performance.now() + Number(maxMsArg);
	// Alternated, so that both kinds meet the same moments of the machine.
	while (sync.length < Number(samplesArg) && performance.now() < until) {
		const [plainSync, plainTotal] = await commit(false);
		sync.push(plainSync);
		writeSync.push(plainTotal);
		const [withLockSync, withLockTotal] = await commit(true);
		lockedSync.push(withLockSync);
		lockedCommit.push(withLockTotal);
	}
} finally {
	fs.closeSync(fd);
	await rm(directory, { recursive: true, force: true });
}
for (const list of [sync, writeSync, lockedSync, lockedCommit]) list.sort((a, b) => a - b);
const floor: FsyncFloor = {
	samples: sync.length,
	syncMedianMicros: percentile(sync, 50),
	syncP90Micros: percentile(sync, 90),
	writeSyncMedianMicros: percentile(writeSync, 50),
	writeSyncP90Micros: percentile(writeSync, 90),
	lockedSyncMedianMicros: percentile(lockedSync, 50),
	lockedCommitMedianMicros: percentile(lockedCommit, 50),
	lockedCommitP90Micros: percentile(lockedCommit, 90),
};
process.stdout.write(`${JSON.stringify(floor)}\n`);
