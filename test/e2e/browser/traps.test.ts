import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { INSECURE_HOST } from '../../helpers/chromium.js';
import { later, TEST_MS, useChromium, WAIT_MS } from './harness.js';

/* The browser's own traps, in a real Chromium: a page served from an insecure origin, and a browser gone offline. */

const chromium = useChromium();

type Outcome = {
	status?: number;
	key?: string;
	attempts?: number;
	error?: string;
	code?: string;
	message?: string;
};
type JournalPage = {
	book: (body: object, operation: string) => Promise<Outcome>;
	bookWithin: (body: object, operation: string, ms: number) => Promise<Outcome>;
	events: { type: string; reason?: string }[];
	setupError?: Outcome;
};
declare const window: JournalPage;

const BODY = { classId: 'c7', clientId: 'u42', ref: 'booking-1' };

const waitingOffline = (page: Page) =>
	page.waitForFunction(
		() => window.events.some((e) => e.type === 'wait' && e.reason === 'offline'),
		undefined,
		{
			timeout: WAIT_MS,
		},
	);

describe('the browser traps in Chromium', { timeout: TEST_MS }, () => {
	it('a page on an insecure origin: createClient throws a typed error naming the secure-context requirement', async () => {
		const emulator = await chromium.emulator();
		// A real host name over plain http (mapped to loopback): not a secure context, so no crypto.subtle.
		const page = await chromium.open('journal.html', { api: emulator.url }, INSECURE_HOST);
		await chromium.snap(page, 'insecure-origin');

		expect(await page.evaluate(() => isSecureContext)).toBe(false);
		const error = await page.evaluate(() => window.setupError);
		expect(error).toMatchObject({ error: 'InvalidRequestError', code: 'invalid_request' });
		expect(error?.message).toMatch(/secure context/);
		expect(error?.message).toMatch(/https:\/\//);
		expect(emulator.state.requests).toEqual([]);
	});

	it('offline, a booking waits for the network instead of spending its retries, then goes once: one attempt', async () => {
		const emulator = await chromium.emulator();
		const page = await chromium.open('journal.html', { api: emulator.url });
		await chromium.context.setOffline(true);
		await page.waitForFunction(() => navigator.onLine === false);

		const booking = later(page.evaluate((body) => window.book(body, 'book-1'), BODY));
		await waitingOffline(page);
		await chromium.snap(page, 'waiting-offline');
		expect(emulator.state.requests).toEqual([]);
		await chromium.context.setOffline(false);
		const outcome = await booking;
		await chromium.snap(page, 'booked-online');

		expect(outcome).toMatchObject({ status: 201, attempts: 1 });
		expect(emulator.state.requests.map((r) => r.key)).toEqual([outcome.key]);
		expect(emulator.state.effectCount).toBe(1);
	});

	it('offline past the call own deadline: the wait ends with the signal, nothing sent', async () => {
		const emulator = await chromium.emulator();
		const page = await chromium.open('journal.html', { api: emulator.url });
		await chromium.context.setOffline(true);
		await page.waitForFunction(() => navigator.onLine === false);

		const outcome = await page.evaluate((body) => window.bookWithin(body, 'book-1', 300), BODY);
		await chromium.snap(page, 'given-up-offline');

		expect(outcome.error).toBeDefined();
		expect(outcome.status).toBeUndefined();
		expect(
			await page.evaluate(() => window.events.some((e) => e.type === 'wait' && e.reason === 'offline')),
		).toBe(true);
		await chromium.context.setOffline(false);
		expect(emulator.state.requests).toEqual([]);
	});
});
