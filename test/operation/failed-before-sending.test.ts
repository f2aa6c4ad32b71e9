import { describe, expect, it } from 'vitest';
import { failedBeforeSending } from '../../src/operation/not-sent.js';

/** The chain undici builds: fetch's TypeError, then the socket's own error. */
const fetchFailed = (cause: unknown): Error => new TypeError('fetch failed', { cause });
const sys = (code: string, syscall: string | undefined, message = `${syscall} ${code}`) =>
	Object.assign(new Error(message), { code, ...(syscall ? { syscall } : {}) });

const aggregate = (errors: Error[], code?: string) =>
	Object.assign(new AggregateError(errors), code ? { code } : {});

describe('failedBeforeSending', () => {
	it.each([
		{ what: 'connection refused', error: fetchFailed(sys('ECONNREFUSED', 'connect')) },
		{ what: 'host not found', error: fetchFailed(sys('ENOTFOUND', 'getaddrinfo')) },
		{ what: 'DNS lookup to retry later', error: fetchFailed(sys('EAI_AGAIN', 'getaddrinfo')) },
		{ what: 'host unreachable', error: fetchFailed(sys('EHOSTUNREACH', 'connect')) },
		{ what: 'a connect that timed out', error: fetchFailed(sys('ETIMEDOUT', 'connect')) },
		{ what: "undici's connect timeout", error: fetchFailed(sys('UND_ERR_CONNECT_TIMEOUT', undefined)) },
		{ what: 'an expired certificate', error: fetchFailed(sys('CERT_HAS_EXPIRED', undefined)) },
		{ what: 'a self-signed certificate', error: fetchFailed(sys('DEPTH_ZERO_SELF_SIGNED_CERT', undefined)) },
		{
			what: 'a certificate for another host',
			error: fetchFailed(sys('ERR_TLS_CERT_ALTNAME_INVALID', undefined)),
		},
		{
			what: 'a server that speaks no TLS',
			error: fetchFailed(sys('ERR_SSL_WRONG_VERSION_NUMBER', undefined)),
		},
		{ what: 'a port fetch refuses to open', error: fetchFailed(new Error('bad port')) },
		{
			what: 'every address family refused',
			error: fetchFailed(aggregate([sys('ECONNREFUSED', 'connect'), sys('ECONNREFUSED', 'connect')])),
		},
		{ what: 'the aggregate naming the code itself', error: fetchFailed(aggregate([], 'ECONNREFUSED')) },
	])('nothing left: $what', ({ error }) => {
		expect(failedBeforeSending(error)).toBe(true);
	});

	it.each([
		{ what: 'a reset connection', error: fetchFailed(sys('ECONNRESET', 'read')) },
		{ what: 'a broken pipe while writing', error: fetchFailed(sys('EPIPE', 'write')) },
		{ what: 'a read that timed out', error: fetchFailed(sys('ETIMEDOUT', 'read')) },
		{
			what: 'the other side closed',
			error: fetchFailed(sys('UND_ERR_SOCKET', undefined, 'other side closed')),
		},
		{ what: "undici's 'terminated'", error: new TypeError('terminated') },
		{ what: "a browser's opaque 'Failed to fetch'", error: new TypeError('Failed to fetch') },
		{ what: 'an abort', error: new DOMException('This operation was aborted', 'AbortError') },
		{
			what: 'one address refused, another reset',
			error: fetchFailed(aggregate([sys('ECONNREFUSED', 'connect'), sys('ECONNRESET', 'read')])),
		},
		{ what: 'not an error', error: 'ECONNREFUSED' },
		{ what: 'nothing', error: undefined },
	])('may have reached the server: $what', ({ error }) => {
		expect(failedBeforeSending(error)).toBe(false);
	});

	it('stops on a cause chain that loops', () => {
		const a: Error & { cause?: unknown } = new Error('a');
		a.cause = new Error('b', { cause: a });
		expect(failedBeforeSending(a)).toBe(false);
	});
});
