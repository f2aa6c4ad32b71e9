import type { RawResult } from './context.js';
import type { Subject } from './failures.js';
import type { Sent } from './send.js';

export function rawFrom(
	sent: Sent,
	subject: Subject,
	attempts: number,
	replayed: boolean | undefined,
): RawResult {
	const observation = sent.observation;
	// Only a response can be decided "succeed"; an error observation here would be a bug in classify.
	if (observation.kind !== 'response') throw new TypeError('a successful attempt always has a response');
	return {
		status: observation.status,
		headers: observation.headers,
		body: observation.body,
		key: subject.key,
		operation: subject.operation,
		attempts,
		replayed,
		fromJournal: false,
	};
}
