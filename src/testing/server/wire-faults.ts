import type { StoredResponse } from '../dialect-state.js';
import type { Fault } from '../faults/types.js';
import type { ServerProfile } from '../profiles/types.js';
import { DROPPED, type Outgoing, stored } from './responses.js';

/** The answer a fault gives before the request reaches the booking API; `undefined` lets it through. */
export function faultBefore(profile: ServerProfile, fault: Fault): Outgoing | undefined {
	const { answers } = profile;
	if (typeof fault === 'object') return 'status' in fault ? stored(fault) : undefined;
	switch (fault) {
		case 'drop-before':
			return DROPPED;
		case '503-before':
			return stored(answers.unavailable);
		case '429':
			return stored(answers.rateLimited);
		case 'in-progress':
			if (!answers.inProgress) throw new TypeError(`The ${profile.name} server has no in-progress answer.`);
			return stored(answers.inProgress);
		default:
			return undefined;
	}
}

/** What goes on the wire for an answer: the answer, unless a fault after processing replaces it. */
export function deliver(
	profile: ServerProfile,
	fault: Fault,
	response: StoredResponse,
	replayed: boolean,
): Outgoing {
	if (fault === 'drop-after-commit') return DROPPED;
	// Where the dialect caches errors, the booking API already stored this 503 as the key's answer.
	if (fault === '503-after') return stored(profile.answers.unavailable);
	if (replayed && profile.replayHeader) {
		return { ...response, headers: [...response.headers, profile.replayHeader] };
	}
	return response;
}
