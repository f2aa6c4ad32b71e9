/*
Failures that happen before a connection exists, so before any byte of a request can leave: the name lookup, the TCP
connect and the TLS handshake (undici writes a request only once its socket is connected and, for https, its
handshake is done). Everything else (a reset, a closed socket, a timeout, a browser's opaque "Failed to fetch") may
have reached the server and stays "unknown".
*/
const BEFORE_CONNECTION = new Set(
	[
		// Name lookup.
		'ENOTFOUND EAI_AGAIN EAI_FAIL EAI_NONAME EAI_NODATA EAI_ADDRFAMILY',
		// TCP connect.
		'ECONNREFUSED EHOSTUNREACH ENETUNREACH EADDRNOTAVAIL UND_ERR_CONNECT_TIMEOUT',
		// TLS: the server's certificate failed verification, or the handshake itself failed.
		'ERR_TLS_CERT_ALTNAME_INVALID DEPTH_ZERO_SELF_SIGNED_CERT SELF_SIGNED_CERT_IN_CHAIN UNABLE_TO_VERIFY_LEAF_SIGNATURE',
		'UNABLE_TO_GET_ISSUER_CERT UNABLE_TO_GET_ISSUER_CERT_LOCALLY CERT_HAS_EXPIRED CERT_NOT_YET_VALID CERT_REVOKED',
		'CERT_UNTRUSTED CERT_REJECTED CERT_SIGNATURE_FAILURE CERT_CHAIN_TOO_LONG INVALID_CA HOSTNAME_MISMATCH',
		'ERR_SSL_WRONG_VERSION_NUMBER ERR_SSL_UNSUPPORTED_PROTOCOL ERR_SSL_NO_PROTOCOLS_AVAILABLE',
		'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION',
	]
		.join(' ')
		.split(' '),
);

// A syscall that fails this early names it; a `read` or `write` failure (ETIMEDOUT, ECONNRESET) happened later.
const BEFORE_CONNECTION_SYSCALLS = new Set(['connect', 'getaddrinfo']);

type Link = { code?: unknown; syscall?: unknown; message?: unknown; cause?: unknown; errors?: unknown };

const proves = (link: Link): boolean =>
	(typeof link.code === 'string' && BEFORE_CONNECTION.has(link.code)) ||
	(typeof link.syscall === 'string' && BEFORE_CONNECTION_SYSCALLS.has(link.syscall)) ||
	// fetch refuses a blocked port ("bad port") before it opens any socket.
	(link.code === undefined && link.message === 'bad port');

/**
Whether a failed fetch provably sent nothing: some error along its `cause` chain (fetch's TypeError, then the socket's
error) is a failure from before the connection existed. An AggregateError (one connect per address family) proves it
only if every one of its errors does.
*/
export function failedBeforeSending(error: unknown, depth = 0): boolean {
	if (typeof error !== 'object' || error === null || depth > 8) return false;
	const link = error as Link;
	if (proves(link)) return true;
	if (Array.isArray(link.errors) && link.errors.length > 0) {
		return link.errors.every((each) => failedBeforeSending(each, depth + 1));
	}
	return failedBeforeSending(link.cause, depth + 1);
}
