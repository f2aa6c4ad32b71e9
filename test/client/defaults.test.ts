import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLIENT_DEFAULTS } from '../../src/client/defaults.js';
import { createClient } from '../../src/index.js';
import { sendJson } from '../helpers/loopback-server.js';
import { serve } from '../operation/support.js';

// One defaults object, and the documentation held to it: the `@default` of each option (what an editor shows) and the
// table in docs/concepts.md (what a reader sees) must say what createClient does.

const source = (file: string) => readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');
const asNumber = (text: string) => Number(text.replace(/_|,/g, ''));

/** `@default` values of a type's options in a source file, by option name (the line after the doc comment). */
function documentedDefaults(text: string, type: string): Map<string, string> {
	const body = text.slice(text.indexOf(`export type ${type} = {`));
	const out = new Map<string, string>();
	for (const match of body.matchAll(/@default ([^\n]+)\n(?:[^\n]*\n)*?\s*\*\/\n\s*(\w+)\??:/g)) {
		if (!out.has(match[2] as string)) out.set(match[2] as string, (match[1] as string).trim());
	}
	return out;
}

describe('CLIENT_DEFAULTS', () => {
	const options = documentedDefaults(source('src/types/options.ts'), 'ClientOptions');
	const retry = documentedDefaults(source('src/retry/policy.ts'), 'RetryPolicy');
	const table = source('docs/concepts.md');
	const row = (name: string) =>
		table.match(new RegExp(`^\\| \`${name.replace('.', '\\.')}\` \\| ([^|]+)\\|`, 'm'))?.[1];

	it.each([
		'timeout',
		'storeBodies',
		'maxStoredBodyBytes',
		'maxResponseBytes',
		'keepFinishedMs',
		'leaseMs',
		'maxInterruptedAttempts',
		'scope',
	] as const)('%s: the @default and the docs table say what the object holds', (name) => {
		const value = CLIENT_DEFAULTS[name];
		const documented = options.get(name);
		const inTable = row(name);
		if (typeof value === 'number') {
			expect(asNumber(documented?.split(' ')[0] ?? '')).toBe(value);
			expect(asNumber(inTable?.match(/[\d_,]+/)?.[0] ?? '')).toBe(value);
		} else {
			expect(documented).toBe(JSON.stringify(value).replace(/"/g, typeof value === 'string' ? "'" : ''));
			expect(inTable).toContain(String(value));
		}
	});

	it.each(Object.keys(CLIENT_DEFAULTS.retry) as (keyof typeof CLIENT_DEFAULTS.retry)[])(
		'retry.%s: the @default says what the object holds',
		(name) => {
			expect(asNumber(retry.get(name) ?? '')).toBe(CLIENT_DEFAULTS.retry[name]);
		},
	);

	it('is what a client without options uses', async () => {
		const server = await serve((_req, res) => sendJson(res, 201, {}));
		const api = createClient({ baseUrl: server.url });
		expect(api.scope).toBe(CLIENT_DEFAULTS.scope);
		const res = await api.post('bookings', { json: { a: 1 } });
		const record = await api.journal.get(api.scope, res.operation);
		// Kept for keepFinishedMs past the last write (the ietf dialect names no retention of its own).
		expect(record && record.retainUntil - record.createdAt).toBe(CLIENT_DEFAULTS.keepFinishedMs);
		// storeBodies: the request body is journaled.
		expect(record?.request?.body).toBeDefined();
	});

	it('cannot be changed by a caller', () => {
		expect(Object.isFrozen(CLIENT_DEFAULTS)).toBe(true);
		expect(Object.isFrozen(CLIENT_DEFAULTS.retry)).toBe(true);
	});
});
