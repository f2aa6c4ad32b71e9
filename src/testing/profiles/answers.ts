// Building blocks of the server profiles: answer constructors and the answers every emulated API shares.
import type { ScriptedAnswer } from '../faults/types.js';
import type { ProfileAnswers } from './types.js';

export const HOUR = 3_600_000;

export const json = (status: number, body: unknown, headers?: Record<string, string>): ScriptedAnswer =>
	headers ? { status, body, headers } : { status, body };

/** An RFC 9457 problem answer. */
export const problem = (status: number, type: string, title: string, detail: string): ScriptedAnswer => ({
	status,
	body: { type, title, status, detail },
	headers: { 'content-type': 'application/problem+json' },
});

export const common = {
	notFound: json(404, { error: { code: 'not_found', message: 'No such booking.' } }),
	alreadyCancelled: json(409, {
		error: { code: 'already_cancelled', message: 'The booking is already cancelled.' },
	}),
	invalidBody: json(422, {
		error: { code: 'validation_failed', message: 'The body must be a JSON object.' },
	}),
	serverError: json(500, { error: { code: 'internal_error', message: 'Something went wrong.' } }),
	unavailable: json(503, { error: { code: 'service_unavailable', message: 'Try again later.' } }),
	rateLimited: json(429, { error: { code: 'rate_limited', message: 'Slow down.' } }, { 'retry-after': '0' }),
} satisfies Partial<ProfileAnswers>;

export const WRITES = ['POST', 'PUT', 'PATCH', 'DELETE'] as const;
export const never = () => false;
export const IETF_DOCS = 'https://developer.example.com/idempotency';
export const PROBLEMS = 'https://problems.example.com';
