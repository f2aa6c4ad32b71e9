import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ready, TEST_MS, until, useChromium } from './harness.js';

/*
Two tabs, each loaded on its own (no sessionStorage in common), submitting one form at the same instant: neither has
journaled anything when the other looks, so each minted its own operation and the server booked twice. They agree
through localStorage under a Web Lock.
*/

const chromium = useChromium();

type FormPage = { guard: { submit(): Promise<{ status: string; operation?: string }> } };
declare const window: FormPage;

const submit = (page: Page) =>
	page.evaluate(() => window.guard.submit().then(({ status, operation }) => ({ status, operation })));

describe('guardForm in two Chromium tabs at the same instant', { timeout: TEST_MS }, () => {
	it('one operation, one request on the wire, one effect', async () => {
		const emulator = await chromium.emulator();
		const wire = await chromium.wire(emulator);
		const first = await chromium.open('form.html', { api: wire.url });
		const second = await chromium.open('form.html', { api: wire.url });
		await Promise.all([ready(first), ready(second)]);
		wire.hold();
		const both = Promise.all([submit(first), submit(second)]);
		both.catch(() => {});
		await until(() => wire.held, 1);
		wire.release();
		const [a, b] = await both;
		expect(b.operation).toBe(a.operation);
		expect([a.status, b.status]).toEqual(['succeeded', 'succeeded']);
		expect(emulator.state.requests).toHaveLength(1);
		expect(emulator.state.effectCount).toBe(1);
	});
});
