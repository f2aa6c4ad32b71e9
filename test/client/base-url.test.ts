import { describe, expect, it } from 'vitest';
import { normaliseBaseUrl } from '../../src/client/base-url.js';
import { resolveUrl } from '../../src/operation/prepare.js';
import { refusalOf } from '../operation/support.js';

describe('normaliseBaseUrl', () => {
	it.each([
		['https://api.example.com/v1', 'https://api.example.com/v1/'],
		['https://api.example.com/v1/', 'https://api.example.com/v1/'],
		['https://api.example.com', 'https://api.example.com/'],
		['http://127.0.0.1:8080/a/b', 'http://127.0.0.1:8080/a/b/'],
		[new URL('https://api.example.com/v2'), 'https://api.example.com/v2/'],
	])('keeps the path of %s: %s', (given, expected) => {
		expect(normaliseBaseUrl(given).href).toBe(expected);
	});

	it('does not change a URL object the caller holds', () => {
		const given = new URL('https://api.example.com/v1');
		normaliseBaseUrl(given);
		expect(given.href).toBe('https://api.example.com/v1');
	});

	it.each([
		['https://user:hunter2-PASSWORD@api.example.com/v1/', 'user name or password'],
		['https://:hunter2-PASSWORD@api.example.com/', 'user name or password'],
		['ftp://api.example.com/', 'http: or https:'],
		['file:///etc/passwd', 'http: or https:'],
		['javascript:alert(1)', 'http: or https:'],
		['api.example.com/v1', 'not an absolute URL'],
		['https://user:hunter2-PASSWORD@api example.com/', 'not an absolute URL'],
		['https://api.example.com/v1/?api_key=hunter2-PASSWORD', 'query or fragment'],
		['https://api.example.com/v1/#frag', 'query or fragment'],
	])('refuses %s (%s) without echoing a credential', (given, says) => {
		const error = refusalOf(() => normaliseBaseUrl(given));
		expect(error.field).toBe('baseUrl');
		expect(error.message).toContain(says);
		expect(error.message).not.toContain('hunter2');
	});
});

describe('resolveUrl', () => {
	const base = normaliseBaseUrl('https://api.example.com/v1');

	// idemkey reads a leading `/` as ky 2's `prefix` does, not as ky's `baseUrl` (which would go to the origin root).
	it.each([
		['bookings', 'https://api.example.com/v1/bookings'],
		['/bookings', 'https://api.example.com/v1/bookings'],
		['bookings/7?x=1', 'https://api.example.com/v1/bookings/7?x=1'],
		['', 'https://api.example.com/v1/'],
		['https://api.example.com/v2/other', 'https://api.example.com/v2/other'],
		[new URL('https://api.example.com/v1/bookings'), 'https://api.example.com/v1/bookings'],
	])('resolves %s to %s', (input, expected) => {
		expect(resolveUrl(input, base, undefined).href).toBe(expected);
	});

	it.each([
		'http://evil.example/steal',
		'https://api.example.com.evil.example/v1/x',
		'http://api.example.com/v1/x',
		'https://api.example.com:444/v1/x',
		'//evil.example/x',
		'/\\evil.example/x',
		'\\\\evil.example/x',
		new URL('https://evil.example/v1/x'),
		'data:text/plain,hi',
	])('refuses %s: another origin than the baseUrl', (input) => {
		const error = refusalOf(() => resolveUrl(input, base, undefined));
		expect(error.field).toBe('url');
		expect(error.message).toMatch(/outside the client's baseUrl origin/);
	});

	it('refuses user info even on the baseUrl origin, without echoing it', () => {
		const error = refusalOf(() => resolveUrl('https://u:hunter2@api.example.com/v1/x', base, undefined));
		expect(error.field).toBe('url');
		expect(error.message).not.toContain('hunter2');
	});

	it('without a baseUrl, takes an absolute http(s) URL and nothing else', () => {
		expect(resolveUrl('http://127.0.0.1:9/x', undefined, { a: 1 }).href).toBe('http://127.0.0.1:9/x?a=1');
		expect(refusalOf(() => resolveUrl('bookings', undefined, undefined)).field).toBe('url');
		expect(refusalOf(() => resolveUrl('file:///etc/passwd', undefined, undefined)).field).toBe('url');
		const error = refusalOf(() => resolveUrl('http://u:hunter2@127.0.0.1:9/x', undefined, undefined));
		expect(error.message).not.toContain('hunter2');
	});

	it.each([
		['bookings?api_key=hunter2', undefined, 'api_key'],
		['bookings', { ACCESS_TOKEN: 'hunter2' }, 'ACCESS_TOKEN'],
		['bookings', new URLSearchParams({ client_secret: 'hunter2' }), 'client_secret'],
	] as const)(
		'refuses a credential query parameter in the call (%s %j) without echoing its value',
		(input, search, name) => {
			const error = refusalOf(() => resolveUrl(input, base, search));
			expect(error.field).toBe('searchParams');
			expect(error.message).toContain(`"${name}"`);
			expect(error.message).not.toContain('hunter2');
		},
	);

	it('keeps query parameters that merely resemble credentials (cursors, lookups)', () => {
		const url = resolveUrl('items', base, { page_token: 'p', key: 'k', token: 't' });
		expect(url.search).toBe('?page_token=p&key=k&token=t');
	});

	it('does not echo a query string in the message for a URL that does not parse', () => {
		const error = refusalOf(() => resolveUrl('http://[bad?api_key=hunter2', undefined, undefined));
		expect(error.message).not.toContain('hunter2');
	});
});
