import type { IdemSearchParamsInit } from '../types/options.js';

/**
The query parameters of a `searchParams` option (checked) as one URLSearchParams, in the order given: an array value
repeats its parameter (`{ tag: ['a', 'b'] }` is `tag=a&tag=b`), as ky and URLSearchParams users expect. A copy, so
that a caller who changes their own object later does not change what the client sends.
*/
export function toSearchParams(init: IdemSearchParamsInit): URLSearchParams {
	if (init instanceof URLSearchParams) return new URLSearchParams(init);
	return new URLSearchParams(
		Object.entries(init).flatMap(([name, value]) =>
			(Array.isArray(value) ? value : [value]).map((each) => [name, String(each)]),
		),
	);
}

/** `base` with every parameter `over` names replaced by `over`'s values (`client.extend()`). */
export function mergeSearchParams(
	base: IdemSearchParamsInit | undefined,
	over: IdemSearchParamsInit,
): URLSearchParams {
	const added = toSearchParams(over);
	const out = base === undefined ? new URLSearchParams() : toSearchParams(base);
	for (const name of added.keys()) out.delete(name);
	for (const [name, value] of added) out.append(name, value);
	return out;
}
