import { fortyTwoMin } from './42min.js';
import { bardge } from './bardge.js';
import { ietf } from './ietf.js';
import { problem } from './problem.js';
import { repull } from './repull.js';
import { stripe } from './stripe.js';
import type { Dialect } from './types.js';

export { bardge, fortyTwoMin, ietf, problem, repull, stripe };

const builtIn = { ietf, stripe, bardge, '42min': fortyTwoMin, repull, problem };

/** The name of a built-in dialect, as `createClient({ dialect })` takes it: the catalogue's keys. */
export type DialectName = keyof typeof builtIn;

/**
The built-in dialects by name: a new dialect's one line outside its own file (docs/dialects/adding.md). Still
indexable by any string (a name read from config), as before `DialectName` was derived from it.
*/
export const dialects: Readonly<Record<string, Dialect> & Record<DialectName, Dialect>> =
	Object.freeze(builtIn);
