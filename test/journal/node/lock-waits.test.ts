import * as nodeFs from 'node:fs';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClient, JournalError } from '../../../src/index.js';
import { FileJournal, type FileJournalFs } from '../../../src/node.js';
import { advance, lockHeldByAnotherProcess, record, SCOPE } from './support.js';
import { tempDir } from './temp-dirs.js';

/** Where a promise stands once pending I/O callbacks have run a few times (the lock is polled every 1-16 ms). */
async function stillPending(promise: Promise<unknown>, turns = 5): Promise<boolean> {
	let settled = false;
	promise.then(
		() => {
			settled = true;
		},
		() => {
			settled = true;
		},
	);
	for (let i = 0; i < turns; i++) await new Promise((resolve) => setTimeout(resolve, 20));
	return !settled;
}

/** The record as a fresh FileJournal on `directory` reads it. */
async function recordIn(directory: string, scope: string, operation: string) {
	const journal = new FileJournal({ directory });
	try {
		return await journal.get(scope, operation);
	} finally {
		await journal.close();
	}
}

/** A fetch that counts requests and answers 201. */
function counting() {
	const seen: string[] = [];
	const fetch = (async (input: RequestInfo | URL) => {
		seen.push(String(input));
		return new Response('{}', { status: 201, headers: { 'content-type': 'application/json' } });
	}) as typeof globalThis.fetch;
	return { fetch, seen };
}

describe('FileJournal lock held by a live process: the caller signal ends the wait', () => {
	it('create and compareAndSet reject with the abort reason and write nothing; a read with a signal too', async () => {
		const directory = tempDir();
		const journal = new FileJournal({ directory, staleLockMs: 600_000 });
		const first = record('op-seed');
		await journal.create(first);
		const lock = lockHeldByAnotherProcess(directory);
		const controller = new AbortController();
		const { signal } = controller;
		const created = journal.create(record('op-new'), { signal });
		const swapped = journal.compareAndSet(advance(first, 'inflight'), { signal });
		expect(await stillPending(created)).toBe(true);
		const reason = new Error('caller left');
		controller.abort(reason);
		await expect(created).rejects.toBe(reason);
		await expect(swapped).rejects.toBe(reason);
		// The lock was never taken from its live owner.
		expect(existsSync(join(directory, 'journal.lock'))).toBe(true);
		lock.release();
		expect(await journal.get(SCOPE, 'op-new')).toBeUndefined();
		expect((await journal.get(SCOPE, 'op-seed'))?.revision).toBe(1);
		await journal.close();
	});

	it('an already-aborted signal is refused at once', async () => {
		const directory = tempDir();
		const journal = new FileJournal({ directory });
		await expect(journal.create(record('op-1'), { signal: AbortSignal.abort('gone') })).rejects.toBe('gone');
		expect(await journal.get(SCOPE, 'op-1')).toBeUndefined();
		await journal.close();
	});

	it('a cancelled write leaves the rest of its batch alone: those are written once the lock is free', async () => {
		const directory = tempDir();
		const journal = new FileJournal({ directory, staleLockMs: 600_000 });
		await journal.create(record('op-seed'));
		const lock = lockHeldByAnotherProcess(directory);
		const controller = new AbortController();
		const cancelled = journal.create(record('op-a'), { signal: controller.signal });
		const kept = journal.create(record('op-b'));
		expect(await stillPending(kept)).toBe(true);
		controller.abort('a left');
		await expect(cancelled).rejects.toBe('a left');
		expect(await stillPending(kept)).toBe(true);
		lock.release();
		expect((await kept).operation).toBe('op-b');
		expect(await journal.get(SCOPE, 'op-a')).toBeUndefined();
		expect(await journal.get(SCOPE, 'op-b')).toBeDefined();
		await journal.close();
	});

	// The record is in the file once decided: rejecting then would tell the caller "nothing written" about a write that was.
	it('an abort once the write is decided (waiting for its fsync) changes nothing: it resolves as written', async () => {
		const directory = tempDir();
		let hold = false;
		let held: (() => void) | undefined;
		const fs: FileJournalFs = {
			...nodeFs,
			fdatasync: ((fd: number, callback: nodeFs.NoParamCallback) => {
				if (hold) held = () => nodeFs.fdatasync(fd, callback);
				else nodeFs.fdatasync(fd, callback);
			}) as FileJournalFs['fdatasync'],
		};
		const journal = new FileJournal({ directory, fs });
		// Opened first: only the fsync of the write itself is held.
		await journal.create(record('op-seed'));
		hold = true;
		const controller = new AbortController();
		const created = journal.create(record('op-1'), { signal: controller.signal });
		while (!held) await new Promise((resolve) => setTimeout(resolve, 1));
		controller.abort('left too late');
		held();
		expect((await created).operation).toBe('op-1');
		expect(await recordIn(directory, SCOPE, 'op-1')).toEqual(await created);
		await journal.close();
	});

	it('the first use of a journal (opening it takes the lock) ends on the signal too', async () => {
		const directory = tempDir();
		const lock = lockHeldByAnotherProcess(directory);
		const journal = new FileJournal({ directory, staleLockMs: 600_000 });
		const controller = new AbortController();
		const created = journal.create(record('op-1'), { signal: controller.signal });
		const read = journal.get(SCOPE, 'op-1', { signal: controller.signal });
		expect(await stillPending(created)).toBe(true);
		controller.abort('left');
		await expect(created).rejects.toBe('left');
		await expect(read).rejects.toBe('left');
		lock.release();
		expect(await journal.get(SCOPE, 'op-1')).toBeUndefined();
		await journal.close();
	});
});

describe('a client on a FileJournal whose lock another live process holds', () => {
	it('an abort ends the call with its reason, sends nothing, and the operation is not recorded', async () => {
		const directory = tempDir();
		const journal = new FileJournal({ directory, staleLockMs: 600_000 });
		const lock = lockHeldByAnotherProcess(directory);
		const { fetch, seen } = counting();
		const api = createClient({ baseUrl: 'https://api.example.com/', journal, fetch });
		const controller = new AbortController();
		const call = api.post('charges', { json: { amount: 1 }, operation: 'op-1', signal: controller.signal });
		expect(await stillPending(call)).toBe(true);
		const reason = new Error('user left');
		controller.abort(reason);
		await expect(call).rejects.toBe(reason);
		lock.release();
		// Closing waits for every write the journal still means to make: the abandoned one was dropped, not delayed.
		await journal.close();
		expect(await recordIn(directory, api.scope, 'op-1')).toBeUndefined();
		expect(seen).toHaveLength(0);
	});

	it('pending() and resumeAll() with a signal: an abort ends the listing, and the journal stops waiting for the lock too', async () => {
		// Otherwise the listing went on waiting in the journal, and close() (the CLI's, after Ctrl-C) with it.
		const directory = tempDir();
		const journal = new FileJournal({ directory, staleLockMs: 600_000 });
		const lock = lockHeldByAnotherProcess(directory);
		const api = createClient({ baseUrl: 'https://api.example.com/', journal, fetch: counting().fetch });
		const controller = new AbortController();
		const listing = api.pending({ signal: controller.signal });
		const resuming = api.resumeAll({ signal: controller.signal });
		expect(await stillPending(listing)).toBe(true);
		const reason = new Error('Ctrl-C');
		controller.abort(reason);

		await expect(listing).rejects.toBe(reason);
		await expect(resuming).rejects.toBe(reason);
		await journal.close();
		// Closed while the other process still holds the lock: nothing was left waiting for it.
		expect(existsSync(join(directory, 'journal.lock'))).toBe(true);
		lock.release();
		await expect(api.pending({ signal: 'soon' as never })).rejects.toMatchObject({ field: 'signal' });
	});

	it('the deadline (retry.maxRetryTime) ends the call with a JournalError saying nothing was sent', async () => {
		const directory = tempDir();
		const journal = new FileJournal({ directory, staleLockMs: 600_000 });
		const lock = lockHeldByAnotherProcess(directory);
		const { fetch, seen } = counting();
		const api = createClient({
			baseUrl: 'https://api.example.com/',
			journal,
			fetch,
			retry: { maxRetryTime: 200 },
		});
		const error = await api
			.post('charges', { json: { amount: 1 }, operation: 'op-1' })
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(JournalError);
		expect((error as Error).message).toMatch(/deadline.*nothing was sent/);
		// Ended while the other process still held the lock.
		expect(existsSync(join(directory, 'journal.lock'))).toBe(true);
		lock.release();
		await journal.close();
		expect(await recordIn(directory, api.scope, 'op-1')).toBeUndefined();
		expect(seen).toHaveLength(0);
	});
});
