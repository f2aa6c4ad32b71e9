import type { DialectState } from '../dialect-state.js';
import type { Fault } from '../faults/types.js';
import type { ServerProfile } from '../profiles/types.js';
import type { Route } from './routes.js';

/** @internal A request as the server core reads it. */
export type Incoming = {
	readonly method: string;
	readonly url: URL;
	readonly headers: Headers;
	/** Body text (empty when none). */
	readonly body: string;
};

/** One dialect server: what every request it answers is read against. */
export type Served = {
	readonly profile: ServerProfile;
	readonly state: DialectState;
	/** Normalised: `/` or `/v1/`. */
	readonly basePath: string;
	readonly processingMs: number;
	readonly signal: AbortSignal | undefined;
};

/** A request the server has recorded and routed, on its way to the booking API. */
export type Work = {
	readonly method: string;
	/** Path and query, as the request was recorded. */
	readonly path: string;
	/** Body text (empty when none). */
	readonly text: string;
	readonly route: Route;
	/** The JSON object body the route acts on (`{}` for routes without one). */
	readonly body: Record<string, unknown>;
	/** The body's `ref`: which logical booking this is, however many keys it was sent under. */
	readonly ref: string | undefined;
	readonly fault: Fault;
	/** Extra processing time scripted for this request, while its key is held. */
	readonly holdMs: number;
};
