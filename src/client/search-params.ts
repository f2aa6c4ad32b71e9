import type { IdemSearchParamsInit } from '../types/options.js';

/**
The query parameters of a `searchParams` option (checked) as one URLSearchParams, in the order given: an array value
repeats its parameter (`{ tag: ['a', 'b'] }` is `tag=a&tag=b`), as ky and URLSearchParams users expect. A copy, so
that a caller who changes their own object later does not change what the client sends.
*/
export function toSearchParams(init: IdemSearchParamsInit): URLSearchParams {
	if (init instanceof URLSearchParams) return new URLSearchParams(init);
	const out = new URLSearchParams();
	for (const [name, value] of Object.entries(init)) {
		if (Array.isArray(value)) for (const each of value) out.append(name, String(each));
		else out.append(name, String(value));
	}
	return out;
}

/** `base` with every parameter `over` names replaced by `over`'s values (`client.extend()`). */
export function mergeSearchParams(
	base: URLSearchParams | undefined,
	over: IdemSearchParamsInit,
): URLSearchParams {
	const added = toSearchParams(over);
	const out = new URLSearchParams(base);
	for (const name of new Set(added.keys())) out.delete(name);
	for (const [name, value] of added) out.append(name, value);
	return out;
}
