import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { decisionOf, forget, later, ready, TEST_MS, until, useChromium, WAIT_MS } from './harness.js';

/*
guardForm on a plain HTML page (pages/form.html) in a real Chromium, the API (the emulator) on another origin: the
ways the old recipe booked twice or got stuck, each counted by the server.
*/

const chromium = useChromium();

type FormPage = {
	guard: { submit(): Promise<{ status: string }>; readonly state: { status: string; operation?: string } };
	states: string[];
};
declare const window: FormPage;

const SUBMIT = 'button[type=submit]';
const FIRST_BODY = JSON.stringify({ classId: 'c7', clientId: 'u42', ref: 'booking-1' });

const statusOf = (page: Page) => page.locator('#status').getAttribute('data-status');
const operationOf = (page: Page) => page.evaluate(() => window.guard.state.operation);
const waitForStatus = (page: Page, status: string) =>
	page.waitForFunction(
		(expected) => document.querySelector<HTMLElement>('#status')?.dataset.status === expected,
		status,
		{ timeout: WAIT_MS },
	);
/** A submit the test can await: resolves once the guard has dealt with it (joined, answered, sent). */
const submitAndSettle = (page: Page) =>
	page.evaluate(() => window.guard.submit().then((state) => state.status));

describe('guardForm in Chromium', { timeout: TEST_MS }, () => {
	it('a double click, Enter and another submit while the booking is on the wire: one request, one effect', async () => {
		const emulator = await chromium.emulator();
		const wire = await chromium.wire(emulator);
		const page = await chromium.open('form.html', { api: wire.url });
		wire.hold();

		await page.dblclick(SUBMIT);
		await until(() => wire.held, 1);
		await chromium.snap(page, 'submitting');
		// While in flight the submitter is disabled and busy: the second click of the double click hit a disabled button.
		expect(await page.locator(SUBMIT).isDisabled()).toBe(true);
		expect(await page.locator(SUBMIT).getAttribute('aria-busy')).toBe('true');
		await page.press('input[name=ref]', 'Enter'); // implicit submission, which a disabled button does not stop
		const joined = later(submitAndSettle(page));
		expect(await statusOf(page)).toBe('submitting');
		wire.release();

		expect(await joined).toBe('succeeded');
		await waitForStatus(page, 'succeeded');
		await chromium.snap(page, 'succeeded');
		expect(emulator.state.requests).toHaveLength(1);
		expect(emulator.state.effectCount).toBe(1);
		// Restored once the answer came: the page can be used again.
		expect(await page.locator(SUBMIT).isDisabled()).toBe(false);
		expect(await page.locator(SUBMIT).getAttribute('aria-busy')).toBeNull();
	});

	it('two clicks after a fast answer: the second shows the same booking, with no request', async () => {
		const emulator = await chromium.emulator();
		const page = await chromium.open('form.html', { api: emulator.url });

		await page.click(SUBMIT);
		await waitForStatus(page, 'succeeded');
		await chromium.snap(page, 'succeeded');
		await page.click(SUBMIT);
		// Awaited, so a request this submit would make has reached the server when the counts are read.
		expect(await submitAndSettle(page)).toBe('succeeded');
		await chromium.snap(page, 'clicked-again');

		expect(emulator.state.requests).toHaveLength(1);
		expect(emulator.state.effectCount).toBe(1);
		expect(await statusOf(page)).toBe('succeeded');
	});

	it('a changed form after success is a new booking: the operation rotates with the content', async () => {
		const emulator = await chromium.emulator();
		const page = await chromium.open('form.html', { api: emulator.url });
		await page.click(SUBMIT);
		await waitForStatus(page, 'succeeded');
		const first = await operationOf(page);

		await page.fill('input[name=ref]', 'booking-2');
		expect(await submitAndSettle(page)).toBe('succeeded');

		const keys = emulator.state.requests.map((r) => r.key);
		expect(keys).toHaveLength(2);
		expect(new Set(keys).size).toBe(2);
		expect(await operationOf(page)).not.toBe(first);
		expect(emulator.state.duplicates()).toEqual([]);
	});

	it('a reload mid-flight, then Book again: the same key, one effect', async () => {
		const emulator = await chromium.emulator();
		const wire = await chromium.wire(emulator);
		const page = await chromium.open('form.html', { api: wire.url });
		wire.hold();
		await page.click(SUBMIT);
		await until(() => wire.held, 1); // booked by the server; the page has not heard
		await chromium.snap(page, 'submitting');

		await chromium.reload(page);
		wire.release();
		await chromium.snap(page, 'reloaded');
		expect(await statusOf(page)).toBe('unknown');
		await page.click(SUBMIT);
		await waitForStatus(page, 'succeeded');
		await chromium.snap(page, 'succeeded');

		const [first] = emulator.state.requests;
		expect(emulator.state.requests.map((r) => [r.key, r.body])).toEqual([
			[first?.key, FIRST_BODY],
			[first?.key, FIRST_BODY],
		]);
		expect(emulator.state.effectCount).toBe(1);
	});

	it('a tab closed mid-flight: a new tab finds the submission and "Try again" finishes it under the same key', async () => {
		const emulator = await chromium.emulator();
		const wire = await chromium.wire(emulator);
		const closed = await chromium.open('form.html', { api: wire.url });
		wire.hold();
		await closed.click(SUBMIT);
		await until(() => wire.held, 1);
		await chromium.snap(closed, 'submitting');
		const operation = await operationOf(closed);
		await closed.close();
		wire.release();

		// A new tab has none of the closed tab's sessionStorage: it finds the submission in the journal, by form.
		const tab = await chromium.open('form.html', { api: wire.url });
		await chromium.snap(tab, 'found');
		expect(await statusOf(tab)).toBe('unknown');
		expect(await operationOf(tab)).toBe(operation);
		await tab.click('#retry');
		await waitForStatus(tab, 'succeeded');
		await chromium.snap(tab, 'succeeded');

		const key = emulator.state.requests[0]?.key;
		expect(emulator.state.requests.map((r) => r.key)).toEqual([key, key]);
		expect(emulator.state.effectCount).toBe(1);
	});

	it('"Try again" with the fields disabled by the page: the same request, under the same key', async () => {
		// The first answer is lost behind a 503 after the booking was made; with no retries left the outcome is unknown.
		const emulator = await chromium.emulator({ faults: ['503-after'] });
		const page = await chromium.open('form.html', { api: emulator.url, retries: '0', 'disable-fields': '' });
		await page.click(SUBMIT);
		await waitForStatus(page, 'unknown');
		await chromium.snap(page, 'unknown-fields-disabled');
		expect(await page.locator('input[name=ref]').isDisabled()).toBe(true);

		await page.click('#retry');
		await waitForStatus(page, 'succeeded');
		await chromium.snap(page, 'succeeded');

		const [first, second] = emulator.state.requests;
		expect(emulator.state.requests).toHaveLength(2);
		// Byte for byte: a body rebuilt from the disabled form ({}) would be a KeyReuseError under this key.
		expect(second?.body).toBe(first?.body);
		expect(first?.body).toBe(FIRST_BODY);
		expect(second?.key).toBe(first?.key);
		expect(emulator.state.effectCount).toBe(1);
		expect(await page.locator('#status').textContent()).toContain('(replayed)');
	});

	it('an edit after an unknown outcome is reported, never sent under a new key; "Try again" sends what was sent', async () => {
		const emulator = await chromium.emulator({ faults: ['503-after'] });
		const page = await chromium.open('form.html', { api: emulator.url, retries: '0' });
		await page.click(SUBMIT);
		await waitForStatus(page, 'unknown');
		const operation = await operationOf(page);

		await page.fill('input[name=ref]', 'booking-edited');
		await waitForStatus(page, 'changed-after-unknown');
		await chromium.snap(page, 'changed-after-unknown');
		// Book on the edited form: no silent new key (the page must choose).
		await page.click(SUBMIT);
		expect(await submitAndSettle(page)).toBe('changed-after-unknown');
		expect(emulator.state.requests).toHaveLength(1);
		expect(await operationOf(page)).toBe(operation);

		await page.click('#retry');
		await waitForStatus(page, 'succeeded');
		await chromium.snap(page, 'succeeded');
		const [first, second] = emulator.state.requests;
		expect(emulator.state.requests).toHaveLength(2);
		expect([second?.key, second?.body]).toEqual([first?.key, FIRST_BODY]);
		expect(emulator.state.effectCount).toBe(1);
	});

	it('after an unknown outcome, "Start over" is the page choosing a new booking: the edited form, a new key', async () => {
		const emulator = await chromium.emulator({ faults: ['503-after'] });
		const page = await chromium.open('form.html', { api: emulator.url, retries: '0' });
		await page.click(SUBMIT);
		await waitForStatus(page, 'unknown');
		await page.fill('input[name=ref]', 'booking-2');
		await waitForStatus(page, 'changed-after-unknown');

		await page.click('#start-over');
		await waitForStatus(page, 'idle');
		expect(await submitAndSettle(page)).toBe('succeeded');

		const [first, second] = emulator.state.requests;
		expect(second?.key).not.toBe(first?.key);
		expect(JSON.parse(second?.body ?? '{}')).toMatchObject({ ref: 'booking-2' });
		expect(emulator.state.duplicates()).toEqual([]);
	});

	it('two tabs submitting one form (the second opened from the first): one request on the wire, one effect', async () => {
		const emulator = await chromium.emulator();
		const wire = await chromium.wire(emulator);
		const first = await chromium.open('form.html', { api: wire.url });
		wire.hold();
		await first.click(SUBMIT);
		await until(() => wire.held, 1);
		// A tab opened from this one starts with a copy of its sessionStorage, so it holds the same form operation.
		const [second] = await Promise.all([
			chromium.context.waitForEvent('page'),
			first.evaluate(() => void open(location.href)),
		]);
		await ready(second);
		expect(await operationOf(second)).toBe(await operationOf(first));

		// The second tab's submit waits for the first tab's attempt (its lease) instead of sending its own. The wire is
		// read once the second tab has decided: a request it claimed is waited for, so that it is counted.
		await forget(second);
		const submitted = later(submitAndSettle(second));
		if ((await decisionOf(second)) === 'claimed') await until(() => emulator.state.requests.length, 2);
		await chromium.snap(second, 'second-tab-submitting');
		expect(emulator.state.requests).toHaveLength(1);
		wire.release();
		expect(await submitted).toBe('succeeded');
		await waitForStatus(first, 'succeeded');

		expect(emulator.state.requests).toHaveLength(1);
		expect(emulator.state.effectCount).toBe(1);
	});
});
