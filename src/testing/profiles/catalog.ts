// The server behaviour of every built-in dialect, written from each API's documentation (DESIGN §4), one file each.
import type { DialectName } from '../../dialects/types.js';
import { fortyTwoMinProfile } from './42min.js';
import { bardgeProfile } from './bardge.js';
import { ietfProfile } from './ietf.js';
import { problemProfile } from './problem.js';
import { repullProfile } from './repull.js';
import { stripeProfile } from './stripe.js';
import type { ServerProfile } from './types.js';

/** The server behaviour of every built-in dialect; keyed by DialectName, so a dialect without its profile fails typecheck. */
export const serverProfiles: Readonly<Record<DialectName, ServerProfile>> = Object.freeze({
	ietf: ietfProfile,
	stripe: stripeProfile,
	bardge: bardgeProfile,
	'42min': fortyTwoMinProfile,
	repull: repullProfile,
	problem: problemProfile,
});
