import type { Dialect } from '../dialects/types.js';
import { InvalidRequestError } from '../errors/classes.js';
import type { RequestSnapshot } from '../journal/record.js';
import { fingerprint } from '../keys/fingerprint.js';
import type { CallOptions } from '../types/options.js';
import { toBase64 } from '../utils/base64.js';
import { mergeOver, persistableHeaders } from '../utils/headers.js';
import { credentialParam, describeUrl, describeUrlText, hasUserInfo, isHttpUrl } from '../utils/url.js';
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

/**
The URL a call names, resolved under the client's (normalised) `baseUrl` and checked: it must stay on the baseUrl's
origin, because the client's headers (Authorization, API keys) go with every call. Paths extend the baseUrl's path
with or without a leading `/` (ky 2's `prefix` semantics; ky's own `baseUrl` would send `/x` to the origin's root).
A call that must reach another origin belongs to another client, with that origin's own headers.
*/
export function resolveUrl(
	input: string | URL,
	baseUrl: URL | undefined,
	search: CallOptions['searchParams'],
): URL {
	let url: URL;
	const text = String(input);
	try {
		// One leading `/` is the caller's habit, not a request for the origin's root; `//` and `/\` are left alone so
		// that URL resolution reads them as another host and the origin check below refuses them.
		url = baseUrl === undefined ? new URL(text) : new URL(text.replace(/^\/(?![/\\])/, ''), baseUrl);
	} catch (error) {
		throw new InvalidRequestError(
			`"${describeUrlText(text)}" is not a valid URL${baseUrl === undefined ? ' (no baseUrl is set)' : ` relative to ${describeUrl(baseUrl)}`}.`,
			{ field: 'url', cause: error },
		);
	}
	// The first thing wrong with where the call goes, if anything is.
	const problem =
		baseUrl !== undefined && url.origin !== baseUrl.origin
			? `${isHttpUrl(url) ? url.origin : `A ${url.protocol} URL`} is outside the client's baseUrl origin ${baseUrl.origin}, the only one its headers go to: give a path under it, or use another client.`
			: !isHttpUrl(url)
				? `The call names a ${url.protocol} URL; only http(s) can be sent.`
				: hasUserInfo(url)
					? `The URL for ${url.origin} carries a user name or password: send credentials in headers (Authorization).`
					: undefined;
	if (problem) throw new InvalidRequestError(problem, { field: 'url' });
	if (search) {
		const params =
			search instanceof URLSearchParams ? search : Object.entries(search).map(([k, v]) => [k, String(v)]);
		for (const [k, v] of params) url.searchParams.append(k as string, v as string);
	}
	const credential = url.search === '' ? undefined : credentialParam(url.searchParams);
	if (credential !== undefined) {
		throw new InvalidRequestError(
			`The query parameter "${credential}" holds a credential, which the journal and error messages would show: set it in the client's searchParams option.`,
			{ field: 'searchParams' },
		);
	}
	return url;
}

/** The request a call sends, from options already checked by `checkCall` (`method` upper case). */
export async function prepareRequest(
	method: string,
	input: string | URL,
	options: CallOptions<unknown>,
	client: { baseUrl: URL | undefined; headers: Headers; dialect: Dialect },
): Promise<PreparedRequest> {
	const url = resolveUrl(input, client.baseUrl, options.searchParams);
	const headers = mergeOver(client.headers, options.headers);
	const { dialect } = client;
	const headerKey = headers.get(dialect.keyHeader) ?? undefined;
	headers.delete(dialect.keyHeader);
	if (options.key !== undefined && headerKey !== undefined && options.key !== headerKey) {
		throw new InvalidRequestError(
			`The call sets two different keys: option "key" and header ${dialect.keyHeader}. Set one.`,
			{ field: 'key' },
		);
	}
	const { bytes, contentType, canonical } = await serialiseBody(options.json, options.body);
	// A multipart body is unreadable without its own boundary, so its content type wins over the caller's (a bare
	// `multipart/form-data` header is a common slip); any other body keeps the caller's content type.
	if (contentType && (!headers.has('content-type') || contentType.startsWith('multipart/form-data')))
		headers.set('content-type', contentType);
	const path = url.pathname + url.search;
	const journaled = !SAFE_METHODS.has(method);
	const keyed = journaled && dialect.keyedMethods.includes(method) && !dialect.keyless(method, url.pathname);
	return {
		method,
		url: url.href,
		path,
		headers,
		body: bytes,
		journaled,
		keyed,
		explicitKey: options.key ?? headerKey,
		// The JSON text just serialised is the canonical form the fingerprint hashes: written once, used twice.
		fingerprint: journaled ? await fingerprint({ method, path, canonical, bytes }) : '',
	};
}

/** What a record keeps of the request: allow-listed headers only, and the body only when bodies are stored. */
export function snapshot(
	request: PreparedRequest,
	withBody: boolean,
	headers: ReadonlySet<string>,
): RequestSnapshot {
	const snap: RequestSnapshot = { url: request.url, headers: persistableHeaders(request.headers, headers) };
	if (request.body && withBody) snap.body = toBase64(request.body);
	else if (request.body) snap.bodyOmitted = true;
	return snap;
}
