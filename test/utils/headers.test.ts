import { describe, expect, it } from 'vitest';
import { isSecretHeader, mergeHeaders, persistableHeaders } from '../../src/utils/headers.js';

describe('isSecretHeader', () => {
	it.each([
		'Authorization',
		'proxy-authorization',
		'Cookie',
		'set-cookie',
		'X-API-Key',
		'api-key',
		'apikey',
		'x-auth-token',
		'X-CSRF-Token',
		'x-xsrf-token',
		'X-Stripe-Secret',
		'X-Bardge-Api-Key',
		'x-api_key',
		'X-Session-Token',
		'x-password',
		'X-Signature',
	])('treats %s as secret', (name) => {
		expect(isSecretHeader(name)).toBe(true);
	});

	it.each([
		'content-type',
		'Idempotency-Key',
		'x-request-id',
		'accept',
		'user-agent',
		'x-idempotent-replayed',
	])('keeps %s', (name) => {
		expect(isSecretHeader(name)).toBe(false);
	});
});

describe('mergeHeaders', () => {
	it('merges Headers, records and pairs, later values winning whatever the case', () => {
		const merged = mergeHeaders(
			new Headers({ 'X-App': 'a', Accept: 'text/plain' }),
			{ 'x-app': 'b', 'x-tenant': 't1' },
			undefined,
			[['ACCEPT', 'application/json']],
		);
		expect([...merged]).toEqual([
			['accept', 'application/json'],
			['x-app', 'b'],
			['x-tenant', 't1'],
		]);
	});

	it('removes a header set earlier when a later record gives undefined', () => {
		const merged = mergeHeaders({ 'x-app': 'a', authorization: 'Bearer t' }, { Authorization: undefined });
		expect(merged.has('authorization')).toBe(false);
		expect([...merged]).toEqual([['x-app', 'a']]);
	});

	it('does not change its inputs', () => {
		const base = new Headers({ 'x-app': 'a' });
		mergeHeaders(base, { 'x-app': undefined, 'x-more': '1' });
		expect([...base]).toEqual([['x-app', 'a']]);
	});
});

describe('persistableHeaders', () => {
	it('keeps only the non-secret pairs', () => {
		const headers = new Headers({
			'content-type': 'application/json',
			authorization: 'Bearer t',
			'x-api-key': 'k',
			'idempotency-key': 'key-1',
			cookie: 'a=b',
		});
		expect(persistableHeaders(headers)).toEqual([
			['content-type', 'application/json'],
			['idempotency-key', 'key-1'],
		]);
	});
});
