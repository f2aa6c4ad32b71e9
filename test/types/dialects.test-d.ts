import { describe, expectTypeOf, it } from 'vitest';
import {
	bardge,
	createClient,
	type Dialect,
	type DialectName,
	defineDialect,
	dialects,
	fortyTwoMin,
	ietf,
	problem,
	repull,
	stripe,
} from '../../src/index.js';

describe('the dialect option', () => {
	it('names exactly the built-in dialects', () => {
		expectTypeOf<DialectName>().toEqualTypeOf<
			'ietf' | 'stripe' | 'bardge' | '42min' | 'repull' | 'problem'
		>();
	});

	it('takes every built-in name', () => {
		const names = ['ietf', 'stripe', 'bardge', '42min', 'repull', 'problem'] as const;
		for (const dialect of names) createClient({ dialect });
		createClient({ dialect: '42min' });
	});

	it('refuses a misspelt name, which the runtime would refuse only once it runs', () => {
		// @ts-expect-error names are lower case
		createClient({ dialect: 'Stripe' });
		// @ts-expect-error the dialect is 42min, spelt with digits
		createClient({ dialect: 'fortyTwoMin' });
		// @ts-expect-error no such dialect
		createClient({ dialect: 'ietf-draft' });
	});

	it('refuses a string read from configuration until it is checked against the names', () => {
		const fromEnv: string = 'stripe';
		// @ts-expect-error any string is not a dialect name
		createClient({ dialect: fromEnv });
		const isDialectName = (name: string): name is DialectName => Object.hasOwn(dialects, name);
		if (isDialectName(fromEnv)) createClient({ dialect: fromEnv });
	});

	it('takes a Dialect object from defineDialect, and the built-in ones', () => {
		const internal = defineDialect({ name: 'internal', keyHeader: 'X-Request-Key', retentionMs: 3_600_000 });
		expectTypeOf(internal).toEqualTypeOf<Dialect>();
		createClient({ dialect: internal });
		for (const dialect of [ietf, stripe, bardge, fortyTwoMin, repull, problem]) createClient({ dialect });
	});

	it('is the resolved Dialect on the client, whichever way it was given', () => {
		expectTypeOf(createClient({ dialect: 'stripe' }).dialect).toEqualTypeOf<Dialect>();
	});

	it('refuses a defineDialect field it does not know, as the runtime does', () => {
		// @ts-expect-error keyheader is spelt keyHeader
		defineDialect({ name: 'typo', keyheader: 'X-Key' });
		// @ts-expect-error a dialect has a name
		defineDialect({ keyHeader: 'X-Key' });
	});
});
