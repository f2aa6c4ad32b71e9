// defineDialect's refusals: a user defining a dialect learns from the message which field is wrong and what it must be,
// before any client is built. (test/client/bad-input.test.ts pins that each is an InvalidRequestError, field 'dialect'.)
import { describe, expect, it } from 'vitest';
import { type DialectInit, defineDialect, dialects, InvalidRequestError, stripe } from '../../src/index.js';

const refusal = (init: unknown): InvalidRequestError => {
	try {
		defineDialect(init as DialectInit);
	} catch (error) {
		if (error instanceof InvalidRequestError) return error;
		throw error;
	}
	throw new Error('defineDialect accepted it');
};

describe('defineDialect refuses a bad field, naming it and what it must be', () => {
	it.each<[string, Record<string, unknown>, RegExp]>([
		['keyHeader with a space', { keyHeader: 'Idempotency Key' }, /keyHeader must be a header name/],
		['lower-case methods', { keyedMethods: ['post'] }, /keyedMethods must be .*upper-case methods/],
		['GET keyed', { keyedMethods: ['GET'] }, /keyedMethods must be .*never GET or HEAD/],
		[
			'a global keyless pattern',
			{ keyless: [/cancel/g] },
			/keyless must be .*RegExps without the g or y flag/,
		],
		['a sticky keyPattern', { keyPattern: /^k/y }, /keyPattern must be a RegExp without the g or y flag/],
		['keyMaxLength 0', { keyMaxLength: 0 }, /keyMaxLength must be a positive integer/],
		[
			'retentionMs Infinity',
			{ retentionMs: Number.POSITIVE_INFINITY },
			/retentionMs must be a positive number/,
		],
		[
			'a replay header without a value',
			{ replayHeaders: [{ name: 'X-R' }] },
			/replayHeaders must be .*{ name, value }/,
		],
		['replayAbsent true', { replayAbsent: true }, /replayAbsent must be false or undefined/],
		['cachesErrors "yes"', { cachesErrors: 'yes' }, /cachesErrors must be a boolean/],
		[
			'a rule with status 600',
			{ inProgress: [{ status: 600 }] },
			/inProgress must be .*status an HTTP status/,
		],
		[
			'a rule with a numeric code',
			{ keyMissing: [{ status: 400, codes: [1] }] },
			/keyMissing must be .*codes strings/,
		],
		[
			'a rule with a global text',
			{ alreadyApplied: [{ status: 409, text: /x/g }] },
			/alreadyApplied must be .*text a RegExp/,
		],
		[
			'a misspelt field',
			{ keyheader: 'X-Key' },
			/unknown field "keyheader"; expected one of name, keyHeader,/,
		],
	])('%s', (_what, fields, message) => {
		const error = refusal({ name: 'mine', ...fields });
		expect(error.message).toMatch(/^defineDialect "mine": /);
		expect(error.message).toMatch(message);
	});

	it.each([
		['no name', {}],
		['an empty name', { name: '' }],
	])('%s: name must be a non-empty string', (_what, init) => {
		expect(refusal(init).message).toMatch(/name must be a non-empty string/);
	});

	it('not an object: says what it expected', () => {
		expect(refusal(null).message).toMatch(/expected an object such as \{ name: "my-api" \}/);
	});
});

// The built-in dialects skip the checks at load (so a bundle naming only them carries none): they are held to them here.
it.each(Object.entries(dialects))(
	'the built-in dialect %s passes the checks defineDialect makes',
	(name, dialect) => {
		const checked = defineDialect({ ...dialect });
		expect(checked.name).toBe(name);
		expect({ ...checked }).toEqual({ ...dialect });
	},
);

describe('defineDialect fills what is omitted with the safe default', () => {
	it('a dialect of only a name keys every write, reads every known replay header, and knows no rules', () => {
		const plain = defineDialect({ name: 'plain' });
		expect(plain).toMatchObject({
			keyHeader: 'Idempotency-Key',
			keyedMethods: ['POST', 'PUT', 'PATCH', 'DELETE'],
			keyMaxLength: 255,
			retentionMs: undefined,
			replayAbsent: undefined,
			cachesErrors: false,
			inProgress: [],
			keyReused: [],
			keyMissing: [],
			alreadyApplied: [],
		});
		expect(plain.replayHeaders.map((h) => h.name)).toEqual([
			'Idempotent-Replayed',
			'X-Idempotent-Replayed',
			'Idempotency-Replayed',
			'Idempotency-Status',
		]);
		expect(plain.keyless('POST', '/bookings/b1/cancel')).toBe(false);
		expect(Object.isFrozen(plain)).toBe(true);
	});

	it('keyless as a list of patterns matches the path; as a function it is kept', () => {
		const listed = defineDialect({ name: 'listed', keyless: [/\/cancel$/] });
		expect(listed.keyless('POST', '/bookings/b1/cancel')).toBe(true);
		expect(listed.keyless('POST', '/bookings')).toBe(false);
		const fn = (method: string) => method === 'DELETE';
		expect(defineDialect({ name: 'fn', keyless: fn }).keyless).toBe(fn);
	});

	it('a copy of a built-in one keeps its facts but the ones changed', () => {
		const copy = defineDialect({ ...stripe, name: 'stripe-1h', retentionMs: 3_600_000 });
		expect(copy).toMatchObject({
			name: 'stripe-1h',
			retentionMs: 3_600_000,
			keyedMethods: ['POST'],
			cachesErrors: true,
		});
	});
});
