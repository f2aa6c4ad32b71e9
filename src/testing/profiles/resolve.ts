import type { Dialect, DialectName } from '../../dialects/types.js';
import { serverProfiles } from './catalog.js';
import { ietfProfile } from './ietf.js';
import type { ProfileOverrides, ServerProfile } from './types.js';

/**
The server profile for a dialect. A `Dialect` object is served by the profile of the built-in dialect with the same
name; otherwise by the IETF profile adapted to the object's key header, keyed methods, key-less endpoints, key length,
retention, single replay header and error caching.
*/
export function resolveProfile(dialect: DialectName | Dialect, overrides?: ProfileOverrides): ServerProfile {
	const name = typeof dialect === 'string' ? dialect : dialect.name;
	let found: ServerProfile | undefined = Object.hasOwn(serverProfiles, name)
		? serverProfiles[name as DialectName]
		: undefined;
	if (!found && typeof dialect === 'string') {
		throw new TypeError(
			`Unknown dialect "${dialect}"; use one of ${Object.keys(serverProfiles).join(', ')}.`,
		);
	}
	if (!found && typeof dialect !== 'string') {
		const replay = dialect.replayHeaders.length === 1 ? dialect.replayHeaders[0] : undefined;
		found = {
			...ietfProfile,
			name: dialect.name,
			keyHeader: dialect.keyHeader,
			keyedMethods: dialect.keyedMethods,
			keyless: dialect.keyless,
			keyMaxLength: dialect.keyMaxLength,
			retentionMs: dialect.retentionMs ?? ietfProfile.retentionMs,
			replayHeader: replay ? [replay.name, replay.value] : undefined,
			cachesErrors: dialect.cachesErrors,
		};
	}
	const profile = found as ServerProfile;
	if (!overrides) return profile;
	const { answers, ...rest } = overrides;
	return { ...profile, ...rest, answers: { ...profile.answers, ...answers } };
}
