import { afterEach, vi } from 'vitest';
import { createEmulator, type Emulator, type EmulatorOptions } from '../../src/testing/index.js';
import { waitFor } from '../helpers/virtual-time.js';

const running: Emulator[] = [];
afterEach(async () => {
	vi.useRealTimers();
	await Promise.all(running.splice(0).map((emulator) => emulator.close()));
});

/** An emulator on a free loopback port, closed after the test. */
export async function emulate(options: EmulatorOptions): Promise<Emulator> {
	const emulator = await createEmulator(options);
	running.push(emulator);
	return emulator;
}

export type Answer = { status: number; headers: Headers; body: unknown };

/** One raw request over real HTTP (no idemkey client in between), its JSON body parsed when it has one. */
export async function send(
	emulator: Emulator,
	method: string,
	path: string,
	options: { key?: string; json?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer> {
	const headers: Record<string, string> = { ...options.headers };
	if (options.key !== undefined) headers['idempotency-key'] = options.key;
	if (options.json !== undefined) headers['content-type'] = 'application/json';
	const response = await fetch(new URL(path, emulator.url), {
		method,
		headers,
		...(options.json === undefined ? {} : { body: JSON.stringify(options.json) }),
	});
	const text = await response.text();
	return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

/**
Resolves once the emulator has received `count` requests (to order concurrent requests deterministically). Polls on
real timers, so it also works while a test's virtual time stands still.
*/
export function received(emulator: Emulator, count: number): Promise<void> {
	return waitFor(() => emulator.state.requests.length >= count, `${count} requests at the emulator`);
}
