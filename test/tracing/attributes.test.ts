import { describe, expect, it } from 'vitest';
import {
	InProgressError,
	InvalidRequestError,
	JournalError,
	KeyExpiredError,
	KeyReuseError,
	NotSentError,
	OperationAbandonedError,
	OutcomeUnknownError,
	RequestRejectedError,
	ResponseValidationError,
} from '../../src/index.js';
import {
	answerAttributes,
	errorType,
	outcomeOf,
	requestAttributes,
	urlFull,
} from '../../src/tracing/attributes.js';
import { parseTraceParent, traceParentOf } from '../../src/tracing/traceparent.js';

const ids = { key: 'k1', operation: 'op' };

describe('outcomeOf: what a failed call means for its effect', () => {
	it.each([
		[new OutcomeUnknownError('m', { ...ids, attempts: 3, reason: 'network' }), 'unknown'],
		[new InProgressError('m', { ...ids, attempts: 3 }), 'unknown'],
		[new KeyExpiredError('m', { ...ids, expiredAt: 1 }), 'unknown'],
		[
			new RequestRejectedError('m', { ...ids, answer: { status: 400, headers: new Headers(), body: {} } }),
			'failed',
		],
		[new KeyReuseError('m', { ...ids, source: 'journal' }), 'failed'],
		[new OperationAbandonedError('m', { ...ids, abandonedAt: 1 }), 'failed'],
		[new ResponseValidationError('m', { ...ids, status: 201, body: {}, issues: [] }), 'succeeded'],
		[new NotSentError('m', { ...ids, attempts: 1 }), 'not_sent'],
		[new JournalError('m', ids), 'not_sent'],
		[new InvalidRequestError('m', { field: 'url' }), 'not_sent'],
		[new DOMException('The operation was aborted.', 'AbortError'), 'aborted'],
		['a string thrown by someone', 'aborted'],
	])('%o -> %s', (error, outcome) => {
		expect(outcomeOf(error)).toBe(outcome);
	});
});

describe('errorType', () => {
	it.each([
		[new KeyReuseError('m', { ...ids, source: 'server' }), 'key_reused'],
		[new DOMException('aborted', 'AbortError'), 'AbortError'],
		[new TypeError('x'), 'TypeError'],
		[undefined, '_OTHER'],
	])('%o -> %s', (error, type) => {
		expect(errorType(error)).toBe(type);
	});
});

describe('urlFull: the URL as a span may show it', () => {
	it.each([
		['https://api.example.com/v1/bookings', 'https://api.example.com/v1/bookings'],
		['https://api.example.com/x?page=2&cursor=abc', 'https://api.example.com/x?page=2&cursor=abc'],
		['https://api.example.com/x?token=t&page=2', 'https://api.example.com/x?token=REDACTED&page=2'],
		[
			'https://s3.example.com/o?AWSAccessKeyId=A&Signature=S&Expires=1',
			'https://s3.example.com/o?AWSAccessKeyId=REDACTED&Signature=REDACTED&Expires=1',
		],
		[
			'https://api.example.com/x?sig=1&X-Goog-Signature=2',
			'https://api.example.com/x?sig=REDACTED&X-Goog-Signature=REDACTED',
		],
		[
			'https://api.example.com/x?sessionId=1&client_secret=2&pass=3',
			'https://api.example.com/x?sessionId=REDACTED&client_secret=REDACTED&pass=REDACTED',
		],
		[
			'https://api.example.com/x?a=1&a=2&api-key=3&api-key=4',
			'https://api.example.com/x?a=1&a=2&api-key=REDACTED',
		],
		['https://api.example.com/x#frag', 'https://api.example.com/x'],
	])('%s -> %s', (url, shown) => {
		expect(urlFull(new URL(url))).toBe(shown);
	});
});

describe('requestAttributes', () => {
	it.each([
		['POST', 'https://api.example.com/b', 'api.example.com', 443],
		['GET', 'http://api.example.com/b', 'api.example.com', 80],
		['PATCH', 'http://127.0.0.1:8080/b', '127.0.0.1', 8080],
	])('%s %s', (method, url, address, port) => {
		expect(requestAttributes(method, url)).toEqual({
			'http.request.method': method,
			'url.full': url,
			'server.address': address,
			'server.port': port,
		});
	});

	it('names a method outside the HTTP spec _OTHER, and keeps the original', () => {
		expect(requestAttributes('PURGE', 'https://cdn.example.com/x')).toMatchObject({
			'http.request.method': '_OTHER',
			'http.request.method_original': 'PURGE',
		});
	});
});

describe('answerAttributes', () => {
	it.each([
		[{ status: 201 }, { 'http.response.status_code': 201 }],
		[{ status: 304 }, { 'http.response.status_code': 304 }],
		[{ status: 409 }, { 'http.response.status_code': 409, 'error.type': '409' }],
		[{ status: 503 }, { 'http.response.status_code': 503, 'error.type': '503' }],
		[{ error: 'timeout' }, { 'error.type': 'timeout' }],
		[{ error: 'network' }, { 'error.type': 'network' }],
		[{}, { 'error.type': '_OTHER' }],
	])('%o', (answer, attributes) => {
		expect(answerAttributes(answer)).toEqual(attributes);
	});
});

describe('traceparent', () => {
	const context = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 };

	it('writes a span context as W3C Trace Context, with its tracestate when it has one', () => {
		expect(traceParentOf(context)).toEqual({
			traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
		});
		expect(traceParentOf({ ...context, traceFlags: 0, traceState: { serialize: () => 'v=1' } })).toEqual({
			traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00',
			tracestate: 'v=1',
		});
	});

	it('reads back what it wrote', () => {
		expect(parseTraceParent(traceParentOf(context).traceparent)).toEqual({ ...context, isRemote: true });
	});

	it.each([
		undefined,
		'',
		'garbage',
		'00-0af7651916cd43dd8448eb211c80319c-b7ad6b716920333-01',
		'00-0af7651916cd43dd8448eb211c80319-b7ad6b7169203331-01',
		'00-0AF7651916CD43DD8448EB211C80319C-B7AD6B7169203331-01',
	])('ignores a malformed value (%o): a bad link never fails a call', (value) => {
		expect(parseTraceParent(value)).toBeUndefined();
	});
});
