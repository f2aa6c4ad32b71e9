import { describe, expect, it } from 'vitest';
import {
	isSecretHeader,
	mergeHeaders,
	persistableHeaders,
	withoutSecretHeaders,
} from '../../src/utils/headers.js';

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
		// Vendor API-key headers that matched no earlier rule.
		'Ocp-Apim-Subscription-Key',
		'x-functions-key',
		'X-Master-Key',
		'x-goog-api-key',
		'X-Amz-Security-Token',
		'x-client-credential',
	])('treats %s as secret', (name) => {
		expect(isSecretHeader(name)).toBe(true);
	});

	it.each([
		'content-type',
		'Idempotency-Key',
		'X-Idempotency-Key',
		'x-request-id',
		'Stripe-Account',
		'keyboard-layout',
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
	const sent = new Headers({
		'content-type': 'application/json',
		accept: 'application/json',
		authorization: 'Bearer t',
		'ocp-apim-subscription-key': 'k1',
		'x-functions-key': 'k2',
		'x-master-key': 'k3',
		'x-tenant': 'acme',
		'stripe-account': 'acct_1',
		'idempotency-key': 'key-1',
		cookie: 'a=b',
	});

	it('keeps only the allow-listed request headers: a header nobody listed is not journaled', () => {
		expect(persistableHeaders(sent)).toEqual([
			['accept', 'application/json'],
			['content-type', 'application/json'],
		]);
	});

	it('adds the names the client listed in journalHeaders', () => {
		expect(persistableHeaders(sent, new Set(['stripe-account', 'x-tenant']))).toEqual([
			['accept', 'application/json'],
			['content-type', 'application/json'],
			['stripe-account', 'acct_1'],
			['x-tenant', 'acme'],
		]);
	});
});

describe('withoutSecretHeaders', () => {
	it('keeps what a journal replay answers with, but no credential', () => {
		const headers = new Headers({
			'content-type': 'application/json',
			'set-cookie': 'sid=s',
			'x-request-id': 'r1',
			'idempotent-replayed': 'true',
			'x-amz-security-token': 't',
		});
		expect(withoutSecretHeaders(headers)).toEqual([
			['content-type', 'application/json'],
			['idempotent-replayed', 'true'],
			['x-request-id', 'r1'],
		]);
	});
});
