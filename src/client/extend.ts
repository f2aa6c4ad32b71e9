import type { ClientOptions } from '../types/options.js';
import { mergeHeaders } from '../utils/headers.js';
import { mergeSearchParams } from './search-params.js';

/**
The options of a client derived by `client.extend(over)` from a client built with `base` (its journal resolved, its
headers and query checked). Pure. Each option `over` gives replaces the base's, except the three that are sets, merged
as ky users expect of `extend`: `headers` name by name (later wins; `undefined` removes a header, so a tenant client
can drop its parent's `X-Tenant`), `searchParams` name by name, and `retry` field by field. An option (or a retry
field) given as `undefined` keeps the base's: it means "not given" here, as it does for createClient.
*/
export function mergeClientOptions(base: ClientOptions, over: ClientOptions): ClientOptions {
	const merged: Record<string, unknown> = { ...base, ...defined(over) };
	if (over.headers !== undefined) merged.headers = mergeHeaders(base.headers, over.headers);
	if (over.searchParams !== undefined)
		merged.searchParams = mergeSearchParams(base.searchParams, over.searchParams);
	if (over.retry !== undefined) merged.retry = { ...base.retry, ...defined(over.retry) };
	return merged as ClientOptions;
}

/** `options` without the fields given as `undefined`: an option given so means "not given". */
export const defined = (options: object): Record<string, unknown> =>
	Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
