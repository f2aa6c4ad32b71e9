import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { errorCode, ioFailure } from './failures.js';
import type { FileJournalFs, FileJournalWarning } from './options.js';

type Held = { content: string; mtimeMs: number };
type Owner = { pid?: unknown; host?: unknown; id?: unknown };

/** Tokens of the locks this process holds right now, to tell them from a previous process that had our pid. */
const heldHere = new Set<string>();

const isAlive = (pid: number): boolean => {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return errorCode(error) === 'EPERM';
	}
};

const parseOwner = (content: string): Owner => {
	try {
		return JSON.parse(content) as Owner;
	} catch {
		// Empty or half-written: the holder died (or is) between creating the file and writing to it.
		return {};
	}
};

/**
A mutual-exclusion lock between processes (and FileJournal instances) sharing a directory, without native code:
the lock is a file created with O_EXCL holding its owner's pid, host and a random id. A lock whose owner died on
this host, or older than `staleMs`, is broken. Breaking goes through a marker file named after the stale lock's
contents, created with O_EXCL, so two processes breaking the same stale lock cannot also delete a fresh one.
*/
export class DirectoryLock {
	readonly #content: string;
	#held = false;

	constructor(
		private readonly fs: FileJournalFs,
		readonly path: string,
		private readonly staleMs: number,
		private readonly warn: (warning: FileJournalWarning) => void,
	) {
		this.#content = JSON.stringify({
			pid: process.pid,
			host: hostname(),
			id: randomBytes(8).toString('hex'),
		});
	}

	/**
	Takes the lock, waiting (polling with backoff) while another live process holds it. An abort of `stop` ends the
	wait, rejecting, without the lock: FileJournal aborts it only once every caller it waits for has left with its own
	reason, so what this rejects with is read by no one.
	*/
	async acquire(stop: AbortSignal): Promise<void> {
		const options = { signal: stop };
		let wait = 1;
		while (!this.tryAcquire()) {
			await sleep(wait, undefined, options);
			wait = Math.min(wait * 2, 16);
		}
	}

	/** Takes the lock if it is free or stale; never waits. */
	tryAcquire(): boolean {
		if (this.#held) throw new Error('DirectoryLock is not re-entrant');
		if (this.#create(this.path)) {
			this.#held = true;
			heldHere.add(this.#content);
			return true;
		}
		const held = this.#read(this.path);
		if (held && this.#isStale(held)) this.#breakStale(this.path, held.content);
		return false;
	}

	release(): void {
		if (!this.#held) return;
		this.#held = false;
		heldHere.delete(this.#content);
		try {
			this.fs.unlinkSync(this.path);
		} catch (error) {
			// Gone already means it was broken as stale; anything else leaves a lock others will break.
			if (errorCode(error) !== 'ENOENT') throw ioFailure('release the journal lock', this.path, error);
		}
	}

	/** Creates `path` with our contents; false when it exists. */
	#create(path: string): boolean {
		let fd: number;
		try {
			fd = this.fs.openSync(path, 'wx', 0o600);
		} catch (error) {
			if (errorCode(error) === 'EEXIST') return false;
			throw ioFailure('take the journal lock', path, error);
		}
		try {
			this.fs.writeSync(fd, this.#content);
		} catch {
			// Still ours; without contents it can only be broken by age (on a full disk, say).
		} finally {
			this.fs.closeSync(fd);
		}
		return true;
	}

	#read(path: string): Held | undefined {
		try {
			const content = this.fs.readFileSync(path, 'utf8');
			return { content, mtimeMs: this.fs.statSync(path).mtimeMs };
		} catch (error) {
			if (errorCode(error) === 'ENOENT') return undefined;
			throw ioFailure('read the journal lock', path, error);
		}
	}

	#isStale(held: Held): boolean {
		if (Date.now() - held.mtimeMs > this.staleMs) return true;
		const owner = parseOwner(held.content);
		if (owner.host !== hostname() || typeof owner.pid !== 'number') return false;
		if (owner.pid === process.pid) return !heldHere.has(held.content);
		return !isAlive(owner.pid);
	}

	#breakStale(target: string, staleContent: string): void {
		const marker = `${target}.break-${createHash('sha256').update(staleContent).digest('hex').slice(0, 16)}`;
		if (!this.#create(marker)) {
			const breaker = this.#read(marker);
			if (breaker && this.#isStale(breaker)) this.#breakStale(marker, breaker.content);
			return;
		}
		try {
			if (this.#read(target)?.content !== staleContent) return;
			try {
				this.fs.unlinkSync(target);
			} catch (error) {
				throw ioFailure('remove a stale journal lock', target, error);
			}
			if (target === this.path) {
				const owner = parseOwner(staleContent);
				this.warn({
					code: 'stale-lock',
					file: target,
					message: `Took over the journal lock left by process ${String(owner.pid ?? 'unknown')} on ${String(owner.host ?? 'an unknown host')}, which died or held it too long.`,
				});
			}
		} finally {
			try {
				this.fs.unlinkSync(marker);
			} catch {
				// Broken as stale by someone else meanwhile.
			}
		}
	}
}
