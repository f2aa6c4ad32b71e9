import type { CallOptions, HeadersInit } from '../client/types.js';
import type { Dialect } from '../dialects/types.js';
import { InvalidRequestError } from '../errors/classes.js';
import { fingerprint } from '../keys/fingerprint.js';
import { mergeHeaders } from '../utils/headers.js';
import { serialiseBody } from './body.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export type PreparedRequest = {
	readonly method: string;
	readonly url: string;
	/** Path and query: what the fingerprint and the journal record name. */
	readonly path: string;
	readonly headers: Headers;
	readonly body: Uint8Array<ArrayBuffer> | undefined;
	/** A write: journaled, whether or not it carries a key. */
	readonly journaled: boolean;
	/** Carries an Idempotency-Key. */
	readonly keyed: boolean;
	/** Key given by the caller (option or header). */
	readonly explicitKey: string | undefined;
	readonly fingerprint: string;
};

export function resolveUrl(
	path: string,
	baseUrl: string | URL | undefined,
	search: CallOptions['searchParams'],
): URL {
	let url: URL;
	try {
		url = baseUrl === undefined ? new URL(path) : new URL(path.replace(/^\/(?!\/)/, ''), baseUrl);
	} catch (error) {
		throw new InvalidRequestError(
			`"${path}" is not a valid URL${baseUrl === undefined ? ' (no baseUrl is set)' : ` relative to ${String(baseUrl)}`}.`,
			{ field: 'url', cause: error },
		);
	}
	if (search) {
		const params =
			search instanceof URLSearchParams ? search : Object.entries(search).map(([k, v]) => [k, String(v)]);
		for (const [k, v] of params) url.searchParams.append(k as string, v as string);
	}
	return url;
}

export async function prepareRequest(
	method: string,
	input: string,
	options: CallOptions<unknown>,
	client: { baseUrl: string | URL | undefined; headers: HeadersInit | undefined; dialect: Dialect },
): Promise<PreparedRequest> {
	const upper = method.toUpperCase();
	const url = resolveUrl(input, client.baseUrl, options.searchParams);
	const headers = mergeHeaders(client.headers, options.headers);
	const { dialect } = client;
	const headerKey = headers.get(dialect.keyHeader) ?? undefined;
	headers.delete(dialect.keyHeader);
	if (options.key !== undefined && headerKey !== undefined && options.key !== headerKey) {
		throw new InvalidRequestError(
			`The call sets two different keys: option "key" and header ${dialect.keyHeader}. Set one.`,
			{ field: 'key' },
		);
	}
	const { bytes, contentType } = await serialiseBody(options.json, options.body);
	if (contentType && !headers.has('content-type')) headers.set('content-type', contentType);
	const path = url.pathname + url.search;
	const journaled = !SAFE_METHODS.has(upper);
	const keyed = journaled && dialect.keyedMethods.includes(upper) && !dialect.keyless(upper, url.pathname);
	return {
		method: upper,
		url: url.href,
		path,
		headers,
		body: bytes,
		journaled,
		keyed,
		explicitKey: options.key ?? headerKey,
		fingerprint: journaled
			? await fingerprint(
					options.json !== undefined
						? { method: upper, path, json: options.json }
						: { method: upper, path, bytes },
				)
			: '',
	};
}
