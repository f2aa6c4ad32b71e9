import { describe, expect, it } from 'vitest';
import { errorCodes } from '../../src/dialects/error-body.js';

describe('errorCodes', () => {
	it.each([
		{
			what: 'Stripe {error:{type,code}}: code first, then type',
			body: { error: { type: 'idempotency_error', code: 'idempotency_key_in_use', message: 'busy' } },
			codes: ['idempotency_key_in_use', 'idempotency_error'],
		},
		{
			what: 'Stripe {error:{type}} without a code',
			body: { error: { type: 'idempotency_error', message: 'Keys for idempotent requests...' } },
			codes: ['idempotency_error'],
		},
		{
			what: 'Bardge {error, code}: the specific code before the generic error',
			body: { error: 'idempotency_error', code: 'idempotency_key_reused' },
			codes: ['idempotency_key_reused', 'idempotency_error'],
		},
		{
			what: 'Bardge {error:"already_cancelled"}',
			body: { error: 'already_cancelled' },
			codes: ['already_cancelled'],
		},
		{
			what: 'problem+json type URI: last path segment, dashes to underscores',
			body: { type: 'https://x/probs/idempotency-key-reused', title: 'Key reused', status: 409 },
			codes: ['idempotency_key_reused'],
		},
		{
			what: 'problem+json type URI with a trailing slash, query and fragment',
			body: { type: 'https://x/probs/idempotency-key-conflict/?lang=en#top' },
			codes: ['idempotency_key_conflict'],
		},
		{
			what: 'a plain (non-URI) type is taken as it is',
			body: { type: 'idempotency_error' },
			codes: ['idempotency_error'],
		},
		{
			what: '{errors:[{code}]}: the first entry',
			body: { errors: [{ code: 'missing_idempotency_key', message: 'required' }] },
			codes: ['missing_idempotency_key'],
		},
		{ what: 'top-level code', body: { code: 'idempotency_in_progress' }, codes: ['idempotency_in_progress'] },
	])('reads $what', ({ body, codes }) => {
		expect(errorCodes(body)).toEqual(codes);
	});

	it.each([
		{ what: 'non-JSON text', body: 'Internal Server Error' },
		{ what: 'HTML text', body: '<html><body>502 Bad Gateway</body></html>' },
		{ what: 'null', body: null },
		{ what: 'undefined', body: undefined },
		{ what: 'an array of codes', body: ['idempotency_key_reused'] },
		{ what: 'an array of objects', body: [{ code: 'idempotency_key_reused' }] },
		{ what: 'a number', body: 409 },
		{ what: 'a boolean', body: true },
		{ what: 'an empty object', body: {} },
		{ what: 'non-string codes', body: { code: 42, type: false, error: { code: 7, type: null } } },
		{ what: 'an empty code', body: { code: '' } },
		{ what: 'an absurdly long code', body: { code: 'x'.repeat(201) } },
		{ what: 'an empty errors array', body: { errors: [] } },
		{ what: 'errors holding strings', body: { errors: ['idempotency_key_reused'] } },
		{
			what: 'problem type about:blank (no extra semantics)',
			body: { type: 'about:blank', title: 'Conflict' },
		},
	])('finds no code in $what', ({ body }) => {
		expect(errorCodes(body)).toEqual([]);
	});

	it.each([
		{ what: 'error is null', body: { error: null, code: 'idempotency_key_reused' } },
		{ what: 'error is a boolean', body: { error: true, code: 'idempotency_key_reused' } },
		{
			what: 'errors is a field map',
			body: { errors: { amount: ['invalid'] }, code: 'idempotency_key_reused' },
		},
		{ what: 'errors is null', body: { errors: null, code: 'idempotency_key_reused' } },
		{ what: 'type is null', body: { type: null, code: 'idempotency_key_reused' } },
	])('still reads the other fields when $what', ({ body }) => {
		expect(errorCodes(body)).toContain('idempotency_key_reused');
	});

	it('reads null-prototype objects and never throws on symbols or bigints', () => {
		const hostile = Object.create(null) as Record<string, unknown>;
		hostile.code = 'c';
		expect(errorCodes(hostile)).toEqual(['c']);
		expect(() => errorCodes(Symbol('x'))).not.toThrow();
		expect(() => errorCodes(10n)).not.toThrow();
	});
});
