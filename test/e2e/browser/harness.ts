import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { createEmulator, type Emulator, type EmulatorOptions } from '../../../src/testing/index.js';
import { bundleForBrowser } from '../../helpers/browser-bundle.js';
import { launchChromium } from '../../helpers/chromium.js';
import { type HoldingWire, startHoldingWire } from '../../helpers/holding-wire.js';
import { type PageServer, startPageServer } from '../../helpers/page-server.js';

/** How long a test waits for a state it expects (generous: two cores, eight engineers' tests at once). */
export const WAIT_MS = 15_000;
/** A test's own bound: several such waits, each well under WAIT_MS on a quiet machine (a test takes about 1 s). */
export const TEST_MS = 60_000;

export type BrowserTest = {
	/** This test's browser context: its own storage (IndexedDB, sessionStorage), its own tabs. */
	readonly context: BrowserContext;
	/** Opens a page of `pages/` in a new tab and waits for its script to be ready (`window.ready`). */
	open(page: string, query?: Record<string, string>, host?: string): Promise<Page>;
	/** Reloads `page` and waits for its script to be ready again. */
	reload(page: Page): Promise<void>;
	/** An emulator on another origin than the pages (CORS on), bardge by default; closed after the test. */
	emulator(options?: Partial<EmulatorOptions>): Promise<Emulator>;
	/** A wire in front of `emulator` that can hold its answers back (and leave headers out); closed after the test. */
	wire(emulator: Emulator, options?: { dropHeaders?: readonly string[] }): Promise<HoldingWire>;
	/** Takes a screenshot of a state, kept (with the last state of every tab) only when the test fails. */
	snap(page: Page, state: string): Promise<void>;
};

/**
One Chromium per test file, one context per test (fresh storage, closed after). Pages come from `pages/`, with idemkey
bundled from the sources as a browser bundler builds it; the emulator listens on another port (another origin), so
every call is a cross-origin call, as a page calling an API makes it.
*/
export function useChromium(): BrowserTest {
	let browser: Browser;
	let server: PageServer;
	let context: BrowserContext | undefined;
	let shots: { state: string; png: Buffer }[] = [];
	let closers: (() => Promise<void>)[] = [];

	beforeAll(async () => {
		const [launched, bundle] = await Promise.all([launchChromium(), bundleForBrowser()]);
		browser = launched;
		server = await startPageServer(path.join(import.meta.dirname, 'pages'), { 'idemkey.js': bundle });
	}, 60_000);
	afterAll(async () => {
		await Promise.all([browser?.close(), server?.close()]);
	});
	beforeEach(async () => {
		context = await browser.newContext();
		shots = [];
		closers = [];
	});
	afterEach(async ({ task }) => {
		if (task.result?.state === 'fail' && context) await keepScreenshots(task.name, context, shots);
		await context?.close();
		context = undefined;
		await Promise.all(closers.map((close) => close()));
	});

	const current = () => {
		if (!context) throw new Error('use the browser test inside a test');
		return context;
	};
	return {
		get context() {
			return current();
		},
		async open(page, query = {}, host = undefined) {
			const tab = await current().newPage();
			await tab.goto(server.url(page, query, host));
			await ready(tab);
			return tab;
		},
		async reload(page) {
			await page.reload();
			await ready(page);
		},
		async emulator(options = {}) {
			const emulator = await createEmulator({ dialect: 'bardge', cors: true, ...options });
			closers.push(() => emulator.close());
			return emulator;
		},
		async wire(emulator, options) {
			const wire = await startHoldingWire(emulator.url, options);
			closers.push(() => wire.close());
			return wire;
		},
		async snap(page, state) {
			if (!page.isClosed()) shots.push({ state, png: await page.screenshot({ fullPage: true }) });
		},
	};
}

/** Waits until the page's script says it is ready (`window.ready`): its client made, its guard's look-up done. */
export async function ready(page: Page): Promise<void> {
	await page.waitForFunction(() => (window as { ready?: boolean }).ready === true, undefined, {
		timeout: WAIT_MS,
	});
}

async function keepScreenshots(
	test: string,
	context: BrowserContext,
	shots: { state: string; png: Buffer }[],
) {
	const dir = await mkdtemp(path.join(tmpdir(), 'idemkey-chromium-'));
	const last = await Promise.all(
		context.pages().map(async (page, tab) => ({
			state: `last-state-tab-${tab + 1}`,
			png: await page.screenshot({ fullPage: true }).catch(() => undefined),
		})),
	);
	const all = [...shots, ...last];
	await Promise.all(
		all.map(({ state, png }, n) =>
			png ? writeFile(path.join(dir, `${String(n + 1).padStart(2, '0')}-${state}.png`), png) : undefined,
		),
	);
	console.error(`screenshots of "${test}", state by state: ${dir}`);
}

/** Waits (bounded) until `read()` gives `expected`: for counts the emulator or the wire keep. */
export async function until<T>(read: () => T, expected: T): Promise<void> {
	await expect.poll(read, { timeout: WAIT_MS, interval: 20 }).toEqual(expected);
}

/** A page call the test awaits later: if the test fails first (and the page closes), its rejection is not unhandled. */
export function later<T>(call: Promise<T>): Promise<T> {
	call.catch(() => {});
	return call;
}

type JournalCall = { call: string; state?: string; ok?: boolean };

/**
What a tab did after it read the operation in flight (another tab's attempt) from its journal: `'claimed'` it (a send
follows), `'waits'` (it subscribed to the journal's changes or reads the record again), `false` while undecided.
Runs in the page, on `window.journalLog` (pages/journal-log.js).
*/
function decided(log: JournalCall[]): 'claimed' | 'waits' | false {
	const found = log.findIndex(
		(entry) => (entry.call === 'create' || entry.call === 'get') && entry.state === 'inflight',
	);
	if (found < 0) return false;
	const after = log.slice(found + 1);
	if (after.some((entry) => entry.call === 'compareAndSet' && entry.ok && entry.state === 'inflight'))
		return 'claimed';
	return after.some((entry) => entry.call === 'subscribe' || entry.call === 'get') ? 'waits' : false;
}

/**
Waits until `tab` has decided what to do about an operation another tab is sending (see `decided`), counting only the
journal calls made since `forget(tab)`, and tells which way. The test then looks at the wire knowing that a request
this tab would send is on its way (after `'claimed'`) or will never come (`'waits'`).
*/
export async function decisionOf(tab: Page): Promise<'claimed' | 'waits'> {
	const decision = await tab.waitForFunction(`(${decided})(window.journalLog)`, undefined, {
		timeout: WAIT_MS,
	});
	return (await decision.jsonValue()) as 'claimed' | 'waits';
}

/** Forgets the journal calls `tab` made so far (its page load's look-ups), for `decisionOf`. */
export async function forget(tab: Page): Promise<void> {
	await tab.evaluate(() => {
		(window as unknown as { journalLog: JournalCall[] }).journalLog.length = 0;
	});
}
