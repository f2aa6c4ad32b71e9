import { describe, expectTypeOf, it } from 'vitest';
import {
	type CallOptions,
	type ClientOptions,
	createClient,
	type IdemEvent,
	MemoryJournal,
	type RetryPolicy,
} from '../../src/index.js';

/*
The project compiles with exactOptionalPropertyTypes, as strict users do: an optional option may be left out, but
`undefined` is a value only where the option's type names it. These tests hold the types to that reading.
*/

const api = createClient({ baseUrl: 'https://api.example.com/v1/' });

describe('options under exactOptionalPropertyTypes', () => {
	it('run under exactOptionalPropertyTypes (else every test below proves less)', () => {
		expectTypeOf<{ timeout: undefined }>().not.toExtend<{ timeout?: number }>();
	});

	it('accept every client option with a value of its type', () => {
		const options = {
			baseUrl: new URL('https://api.example.com/v1/'),
			dialect: 'stripe',
			journal: new MemoryJournal(),
			scope: 'reseller-123',
			retry: { limit: 5, maxRetryTime: 30_000 },
			timeout: 10_000,
			headers: { authorization: 'Bearer t', 'x-trace': undefined },
			journalHeaders: ['Stripe-Account'],
			searchParams: { api_key: 'k', v: 2, beta: true },
			storeBodies: false,
			maxStoredBodyBytes: 65_536,
			maxResponseBytes: 1_048_576,
			keepFinishedMs: 86_400_000,
			onExpired: () => ({ action: 'abandon' }),
			onEvent: (event: IdemEvent) => void event,
			fetch: globalThis.fetch,
		} satisfies ClientOptions;
		createClient(options);
	});

	it('take no options at all: every one has a default', () => {
		createClient();
		createClient({});
		void api.post('bookings');
	});

	it('refuse { timeout: undefined }: the type is `timeout?: number`, so the option is left out, not set to undefined', () => {
		// @ts-expect-error undefined is not a timeout; leave the option out for the default
		createClient({ timeout: undefined });
		// @ts-expect-error the same for a call's timeout
		void api.post('bookings', { timeout: undefined });
		expectTypeOf<ClientOptions['timeout']>().toEqualTypeOf<number | undefined>();
	});

	it('take a value that may be missing by leaving the option out, the form the type asks for', () => {
		const configured: number | undefined = Number(process.env.TIMEOUT) || undefined;
		// @ts-expect-error number | undefined is not number
		createClient({ timeout: configured });
		createClient({ ...(configured === undefined ? {} : { timeout: configured }) });
	});

	it('refuse an undefined retry field, and take any subset of the policy', () => {
		expectTypeOf<NonNullable<ClientOptions['retry']>>().toEqualTypeOf<Partial<RetryPolicy>>();
		createClient({ retry: { inProgressLimit: 3 } });
		// @ts-expect-error leave limit out for its default
		createClient({ retry: { limit: undefined } });
	});

	it('take undefined where the type names it: a header left out, a missing key or body', () => {
		void api.post('bookings', { headers: { 'x-tenant': undefined }, key: 'k-1', body: null });
		void api.get('bookings', { key: undefined, json: undefined });
	});

	it('refuse an undefined query parameter in either mode, as the runtime does', () => {
		// @ts-expect-error leave the parameter out rather than passing undefined
		void api.get('bookings', { searchParams: { page: undefined } });
		// @ts-expect-error the same for the client's parameters
		createClient({ searchParams: { api_key: undefined } });
	});

	it('refuse a value of the wrong type, which the runtime would refuse only once it runs', () => {
		// @ts-expect-error a timeout is a number of ms
		createClient({ timeout: '10s' });
		// @ts-expect-error a signal is an AbortSignal
		void api.post('bookings', { signal: new AbortController() });
		// @ts-expect-error journalHeaders is a list of names
		createClient({ journalHeaders: 'Stripe-Account' });
		// @ts-expect-error no such option: ky's prefixUrl is baseUrl here
		createClient({ prefixUrl: 'https://api.example.com/' });
	});

	it('type a per-call override like the client option it overrides', () => {
		expectTypeOf<CallOptions['timeout']>().toEqualTypeOf<ClientOptions['timeout']>();
		expectTypeOf<CallOptions['retry']>().toEqualTypeOf<ClientOptions['retry']>();
	});
});
