import { buildDialect } from './build.js';

/** Management-API style: every non-GET write keyed; a 409 problem body means the key matched another request. */
export const problem = buildDialect({
	name: 'problem',
	replayHeaders: [],
	keyReused: [{ status: 409 }],
});
