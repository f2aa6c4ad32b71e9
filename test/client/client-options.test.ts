import { describe, expect, it } from 'vitest';
import { createClient, MemoryJournal } from '../../src/index.js';
import { refusalOf } from '../operation/support.js';

// createClient's own checks (src/client/options.ts), by hand: each bad option is refused at once, naming the option,
// rather than failing on the first call or, worse, being dropped. Values are never repeated: one may be a secret.
const SECRET = 'sk_live_51SECRET';

const refusal = (options: unknown) => refusalOf(() => createClient(options as never));

describe('each client option is checked, and its error names it', () => {
	it.each<[string, Record<string, unknown>, string]>([
		['baseUrl a number', { baseUrl: 8080 }, 'baseUrl'],
		['scope empty', { scope: '' }, 'scope'],
		['scope past 200 characters', { scope: 'x'.repeat(201) }, 'scope'],
		['scope a secret-looking string in an array', { scope: [SECRET] }, 'scope'],
		['journalHeaders a string', { journalHeaders: 'Stripe-Account' }, 'journalHeaders'],
		['journalHeaders with a number', { journalHeaders: ['Stripe-Account', 1] }, 'journalHeaders'],
		['storeBodies "no"', { storeBodies: 'no' }, 'storeBodies'],
		['maxStoredBodyBytes negative', { maxStoredBodyBytes: -1 }, 'maxStoredBodyBytes'],
		['maxStoredBodyBytes a fraction', { maxStoredBodyBytes: 1.5 }, 'maxStoredBodyBytes'],
		['maxResponseBytes NaN', { maxResponseBytes: Number.NaN }, 'maxResponseBytes'],
		// Past 2^53 a count is no longer exact: byte counting against it would compare rounded numbers.
		['maxResponseBytes past 2^53', { maxResponseBytes: 2 ** 60 }, 'maxResponseBytes'],
		['maxStoredBodyBytes past 2^53', { maxStoredBodyBytes: 2 ** 53 }, 'maxStoredBodyBytes'],
		['maxResponseBytes a string', { maxResponseBytes: '16MB' }, 'maxResponseBytes'],
		['keepFinishedMs Infinity', { keepFinishedMs: Number.POSITIVE_INFINITY }, 'keepFinishedMs'],
		['keepFinishedMs negative', { keepFinishedMs: -1 }, 'keepFinishedMs'],
		['retry an array', { retry: [] }, 'retry'],
		['retry null', { retry: null }, 'retry'],
		['onEvent a string', { onEvent: SECRET }, 'onEvent'],
		['onExpired an object', { onExpired: { action: 'abandon' } }, 'onExpired'],
		['beforeAttempt a string', { beforeAttempt: `Bearer ${SECRET}` }, 'beforeAttempt'],
		['fetch an object', { fetch: {} }, 'fetch'],
		[
			'journal without collectGarbage',
			{ journal: { create() {}, get() {}, compareAndSet() {}, listUnfinished() {} } },
			'journal',
		],
		['journal a class, not an instance', { journal: MemoryJournal }, 'journal'],
		['searchParams a string', { searchParams: `api_key=${SECRET}` }, 'searchParams'],
		['searchParams with a null value', { searchParams: { api_key: null } }, 'searchParams'],
	])('%s', (_, options, field) => {
		const error = refusal(options);
		expect(error.field).toBe(field);
		expect(error.message).toContain(field);
		expect(error.message).not.toContain(SECRET);
	});

	it('reports the first bad option in a fixed order, and unknown names only once the known ones are fine', () => {
		expect(refusal({ scope: 7, baseURL: 'x', storeBodies: 1 }).field).toBe('scope');
		expect(refusal({ baseURL: 'x', prefix: 'y' }).message).toBe(
			'Invalid client options: unknown option "baseURL" (did you mean baseUrl?), "prefix" (did you mean baseUrl?) (misspelt?).',
		);
	});

	it('takes no hint from Object.prototype: "constructor" is just unknown', () => {
		const error = refusal({ constructor: 'x' });
		expect(error.field).toBe('options');
		expect(error.message).not.toContain('did you mean');
	});

	it('accepts every option at its documented type, and undefined as "not given"', () => {
		const api = createClient({
			baseUrl: new URL('https://api.example.com/v1'),
			dialect: 'stripe',
			journal: new MemoryJournal(),
			scope: 's'.repeat(200),
			retry: { limit: 1 },
			timeout: 1,
			headers: [['x-app', 'web']],
			journalHeaders: ['Stripe-Account'],
			searchParams: new URLSearchParams('region=eu'),
			storeBodies: false,
			maxStoredBodyBytes: 0,
			maxResponseBytes: 0,
			keepFinishedMs: 0,
			onExpired: () => ({ action: 'abandon' }),
			onEvent: () => {},
			fetch: globalThis.fetch,
			// A function-valued option of the transport (refreshing a token per attempt); checked like the others.
			...({ beforeAttempt: () => {} } as object),
		});
		expect(api.scope).toHaveLength(200);
		expect(createClient({ scope: undefined } as never).scope).toBe('default');
	});
});
