import type { ServerProfile } from '../profiles/types.js';

/** CORS headers of a server that lets any origin's page call it (a test server: no credentials, any origin). */
export type CorsHeaders = {
	/** The answer to a preflight (`OPTIONS` with `Access-Control-Request-Method`). */
	readonly preflight: readonly (readonly [string, string])[];
	/** Added to every other answer. */
	readonly response: readonly (readonly [string, string])[];
};

/**
What a browser needs to call the booking API from another origin: the preflight allows the API's methods, the
dialect's key header, its scope header (Authorization where keys are scoped per account) and Content-Type; answers
expose the replay header and Retry-After, which a page cannot read otherwise (they are not CORS-safelisted).
*/
export function corsHeaders(profile: ServerProfile): CorsHeaders {
	const allowed = ['Content-Type', profile.keyHeader, ...(profile.scopeHeader ? [profile.scopeHeader] : [])];
	const exposed = [...(profile.replayHeader ? [profile.replayHeader[0]] : []), 'Retry-After'];
	const origin = ['access-control-allow-origin', '*'] as const;
	return {
		preflight: [
			origin,
			['access-control-allow-methods', 'GET, POST, PUT, PATCH, DELETE'],
			['access-control-allow-headers', allowed.join(', ')],
			['access-control-max-age', '600'],
		],
		response: [origin, ['access-control-expose-headers', exposed.join(', ')]],
	};
}
