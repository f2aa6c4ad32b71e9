import { describe, expect, it } from 'vitest';
import { bardge, dialects, fortyTwoMin, ietf, problem, repull, stripe } from '../../src/dialects/catalog.js';
import type { Dialect } from '../../src/dialects/types.js';
import { type ClassifyContext, classify, type Decision, type Observation } from '../../src/retry/classify.js';

const NOW = Date.parse('2025-06-01T12:00:00Z');
const HOUR = 3_600_000;

const res = (status: number, body?: unknown, headers: Record<string, string> = {}): Observation => ({
	kind: 'response',
	status,
	headers: new Headers(headers),
	body,
});
const error = (kind: 'network' | 'timeout' | 'not_sent'): Observation => ({ kind: 'error', error: kind });

const succeed = (replayed: boolean | undefined, alreadyApplied = false): Decision => ({
	type: 'succeed',
	replayed,
	alreadyApplied,
});
const retry = (
	reason: 'network' | 'timeout' | 'server_error' | 'rate_limited' | 'not_sent',
	mayHaveApplied: boolean,
	retryAfterMs?: number,
): Decision => ({ type: 'retry', reason, retryAfterMs, mayHaveApplied });
const inProgress = (retryAfterMs?: number): Decision => ({ type: 'in_progress', retryAfterMs });
const fail = (
	failure: 'key_reused' | 'key_reused_after_unknown' | 'key_missing' | 'rejected' | 'unknown',
	errorCode?: string,
): Decision => ({
	type: 'fail',
	failure,
	errorCode,
});

type Row = {
	dialect: Dialect;
	what: string;
	observation: Observation;
	earlierAttemptUnknown?: boolean;
	decision: Decision;
};

const run = ({ dialect, observation, earlierAttemptUnknown = false }: Row) => {
	const context: ClassifyContext = { earlierAttemptUnknown, now: NOW };
	return classify(dialect, observation, context);
};

// The IETF draft's own example bodies (draft-ietf-httpapi-idempotency-key-header, section 2.7).
const draft = {
	missing: {
		type: 'https://developer.example.com/idempotency',
		title: 'Idempotency-Key is missing',
		detail: 'This operation is idempotent and it requires correct usage of Idempotency Key.',
	},
	reused: {
		type: 'https://developer.example.com/idempotency',
		title: 'Idempotency-Key is already used',
		detail:
			'This operation is idempotent and it requires correct usage of Idempotency Key. Idempotency Key MUST not be reused across different payloads of this operation.',
	},
	outstanding: {
		type: 'https://developer.example.com/idempotency',
		title: 'A request is outstanding for this Idempotency-Key',
		detail:
			'A request with the same Idempotency-Key for the same operation is being processed or is outstanding.',
	},
};
const validation422 = {
	type: 'https://example.net/validation-error',
	title: 'Your request is not valid.',
	errors: [{ detail: 'must be a positive integer', pointer: '#/age' }],
};

const ietfRows: Row[] = [
	{
		dialect: ietf,
		what: '2xx without a replay header: unknown',
		observation: res(201),
		decision: succeed(undefined),
	},
	...['Idempotent-Replayed', 'X-Idempotent-Replayed', 'Idempotency-Replayed'].map(
		(name): Row => ({
			dialect: ietf,
			what: `2xx with ${name}: true is a replay`,
			observation: res(200, { id: 1 }, { [name]: 'true' }),
			decision: succeed(true),
		}),
	),
	{
		dialect: ietf,
		what: '2xx with Idempotency-Status: cached is a replay',
		observation: res(200, {}, { 'Idempotency-Status': 'cached' }),
		decision: succeed(true),
	},
	{
		dialect: ietf,
		what: 'replay header values compare case-insensitively',
		observation: res(200, {}, { 'Idempotent-Replayed': ' TRUE ' }),
		decision: succeed(true),
	},
	{
		dialect: ietf,
		what: '2xx with Idempotent-Replayed: false is not a replay',
		observation: res(200, {}, { 'Idempotent-Replayed': 'false' }),
		decision: succeed(false),
	},
	{
		dialect: ietf,
		what: '409 with the draft problem body: in progress',
		observation: res(409, draft.outstanding),
		decision: inProgress(),
	},
	{
		dialect: ietf,
		what: '409 problem about:blank: in progress',
		observation: res(409, { type: 'about:blank', title: 'Conflict' }),
		decision: inProgress(),
	},
	{
		dialect: ietf,
		what: '409 idempotency_key_in_use code: in progress',
		observation: res(409, { code: 'idempotency_key_in_use' }),
		decision: inProgress(),
	},
	{
		dialect: ietf,
		what: '409 with Retry-After: in progress with the hint',
		observation: res(409, undefined, { 'Retry-After': '2' }),
		decision: inProgress(2_000),
	},
	{
		dialect: ietf,
		what: '422 with the draft problem body: key reused',
		observation: res(422, draft.reused),
		decision: fail('key_reused', 'idempotency'),
	},
	{
		dialect: ietf,
		what: '422 with a key-reuse problem type: key reused',
		observation: res(422, { type: 'https://x/probs/idempotency-key-reused', title: 'Reused' }),
		decision: fail('key_reused', 'idempotency_key_reused'),
	},
	{
		dialect: ietf,
		what: '422 plain validation problem: rejected',
		observation: res(422, validation422),
		decision: fail('rejected', 'validation_error'),
	},
	{
		dialect: ietf,
		what: '422 with no body: rejected',
		observation: res(422),
		decision: fail('rejected'),
	},
	{
		dialect: ietf,
		what: '400 "Idempotency-Key is missing": key missing',
		observation: res(400, draft.missing),
		decision: fail('key_missing', 'idempotency'),
	},
	{
		dialect: ietf,
		what: '400 with a text body saying the key is required: key missing',
		observation: res(400, 'Idempotency-Key header is required'),
		decision: fail('key_missing'),
	},
	{
		dialect: ietf,
		what: '400 missing_idempotency_key code: key missing',
		observation: res(400, { code: 'missing_idempotency_key' }),
		decision: fail('key_missing', 'missing_idempotency_key'),
	},
	{
		dialect: ietf,
		what: '400 plain validation: rejected',
		observation: res(400, { code: 'parameter_invalid', message: 'amount must be positive' }),
		decision: fail('rejected', 'parameter_invalid'),
	},
	{
		dialect: ietf,
		what: '409 text body saying a request with this key is in progress: in progress',
		observation: res(409, {
			code: 'conflict',
			message: 'A request with this Idempotency-Key is in progress',
		}),
		decision: inProgress(),
	},
	{
		dialect: ietf,
		what: '409 key reuse code wins over in-progress wording',
		observation: res(409, { code: 'idempotency_key_reused', message: 'Idempotency-Key outstanding' }),
		decision: fail('key_reused', 'idempotency_key_reused'),
	},
	{
		dialect: ietf,
		what: '409 business conflict mentioning progress but not the key: rejected',
		observation: res(409, { code: 'order_locked', message: 'Order processing in progress' }),
		decision: fail('rejected', 'order_locked'),
	},
	{
		dialect: ietf,
		what: '409 already_cancelled after an unknown attempt: rejected (no such fact for ietf)',
		observation: res(409, { error: 'already_cancelled' }),
		earlierAttemptUnknown: true,
		decision: fail('rejected', 'already_cancelled'),
	},
];

const stripeRows: Row[] = [
	{
		dialect: stripe,
		what: '2xx with Idempotent-Replayed: true is a replay',
		observation: res(200, { id: 'ch_1' }, { 'Idempotent-Replayed': 'true' }),
		decision: succeed(true),
	},
	{ dialect: stripe, what: '2xx with no header is fresh', observation: res(200), decision: succeed(false) },
	{
		dialect: stripe,
		what: 'other vendors’ replay headers are not Stripe’s signal',
		observation: res(200, {}, { 'X-Idempotent-Replayed': 'true', 'Idempotency-Status': 'cached' }),
		decision: succeed(false),
	},
	{
		dialect: stripe,
		what: '409 idempotency_key_in_use: in progress',
		observation: res(409, { error: { type: 'invalid_request_error', code: 'idempotency_key_in_use' } }),
		decision: inProgress(),
	},
	{
		dialect: stripe,
		what: '409 idempotency_key_in_use typed idempotency_error: still in progress',
		observation: res(409, { error: { type: 'idempotency_error', code: 'idempotency_key_in_use' } }),
		decision: inProgress(),
	},
	{
		dialect: stripe,
		what: '400 type idempotency_error: key reused',
		observation: res(400, {
			error: {
				type: 'idempotency_error',
				message:
					'Keys for idempotent requests can only be used with the same parameters they were first used with.',
			},
		}),
		decision: fail('key_reused', 'idempotency_error'),
	},
	{
		dialect: stripe,
		what: '400 invalid_request_error: rejected (a key is optional)',
		observation: res(400, { error: { type: 'invalid_request_error', code: 'parameter_missing' } }),
		decision: fail('rejected', 'parameter_missing'),
	},
	{
		dialect: stripe,
		what: 'replayed 500: stored error, outcome unknown, not retried',
		observation: res(500, { error: { type: 'api_error' } }, { 'Idempotent-Replayed': 'true' }),
		decision: fail('unknown', 'api_error'),
	},
	{
		dialect: stripe,
		what: 'replayed 503 with Retry-After: still a stored error',
		observation: res(503, undefined, { 'Idempotent-Replayed': 'true', 'Retry-After': '1' }),
		decision: fail('unknown'),
	},
	{
		dialect: stripe,
		what: 'fresh 500: retried',
		observation: res(500, { error: { type: 'api_error' } }),
		decision: retry('server_error', true),
	},
	{
		dialect: stripe,
		what: 'replayed 402: a stored rejection',
		observation: res(
			402,
			{ error: { type: 'card_error', code: 'card_declined' } },
			{ 'Idempotent-Replayed': 'true' },
		),
		decision: fail('rejected', 'card_declined'),
	},
];

const bardgeRows: Row[] = [
	{
		dialect: bardge,
		what: '2xx with X-Idempotent-Replayed: true is a replay',
		observation: res(201, { id: 'b1' }, { 'X-Idempotent-Replayed': 'true' }),
		decision: succeed(true),
	},
	{ dialect: bardge, what: '2xx with no header is fresh', observation: res(201), decision: succeed(false) },
	{
		dialect: bardge,
		what: 'Stripe’s header is not Bardge’s signal',
		observation: res(201, {}, { 'Idempotent-Replayed': 'true' }),
		decision: succeed(false),
	},
	{
		dialect: bardge,
		what: '409 idempotency_error / idempotency_key_reused: key reused',
		observation: res(409, { error: 'idempotency_error', code: 'idempotency_key_reused' }),
		decision: fail('key_reused', 'idempotency_key_reused'),
	},
	{
		dialect: bardge,
		what: '409 already_cancelled after an unknown attempt: already applied',
		observation: res(409, { error: 'already_cancelled' }),
		earlierAttemptUnknown: true,
		decision: succeed(true, true),
	},
	{
		dialect: bardge,
		what: '409 already_cancelled as a code after an unknown attempt: already applied',
		observation: res(409, { error: 'conflict', code: 'already_cancelled' }),
		earlierAttemptUnknown: true,
		decision: succeed(true, true),
	},
	{
		dialect: bardge,
		what: '409 already_cancelled on a first attempt: rejected, marked as saying it is already done',
		observation: res(409, { error: 'already_cancelled' }),
		decision: { type: 'fail', failure: 'rejected', errorCode: 'already_cancelled', alreadyApplied: true },
	},
	{
		dialect: bardge,
		what: '409 business conflict after an unknown attempt: rejected',
		observation: res(409, { error: 'class_full' }),
		earlierAttemptUnknown: true,
		decision: fail('rejected', 'class_full'),
	},
	{
		dialect: bardge,
		what: 'bare 409 (server normally blocks): in progress',
		observation: res(409),
		decision: inProgress(),
	},
	{
		dialect: bardge,
		what: 'replayed 503: errors are not cached, retried',
		observation: res(503, undefined, { 'X-Idempotent-Replayed': 'true' }),
		decision: retry('server_error', true),
	},
];

const fortyTwoMinRows: Row[] = [
	{
		dialect: fortyTwoMin,
		what: '2xx: no replay signal at all',
		observation: res(201, { id: 1 }),
		decision: succeed(undefined),
	},
	{
		dialect: fortyTwoMin,
		what: '2xx with foreign replay headers: still no signal',
		observation: res(201, {}, { 'Idempotent-Replayed': 'true', 'X-Idempotent-Replayed': 'true' }),
		decision: succeed(undefined),
	},
	{
		dialect: fortyTwoMin,
		what: '409 idempotency_in_progress + Retry-After: 1',
		observation: res(409, { error: { code: 'idempotency_in_progress' } }, { 'Retry-After': '1' }),
		decision: inProgress(1_000),
	},
	{
		dialect: fortyTwoMin,
		what: '409 idempotency_key_conflict: key reused',
		observation: res(409, { code: 'idempotency_key_conflict', message: 'fingerprint differs' }),
		decision: fail('key_reused', 'idempotency_key_conflict'),
	},
	{
		dialect: fortyTwoMin,
		what: '400 missing_idempotency_key: key missing',
		observation: res(400, { error: { code: 'missing_idempotency_key' } }),
		decision: fail('key_missing', 'missing_idempotency_key'),
	},
	{
		dialect: fortyTwoMin,
		what: '409 business conflict: rejected',
		observation: res(409, { code: 'slot_taken' }),
		decision: fail('rejected', 'slot_taken'),
	},
	{
		dialect: fortyTwoMin,
		what: '500: only successes are cached, retried',
		observation: res(500),
		decision: retry('server_error', true),
	},
];

const repullRows: Row[] = [
	{
		dialect: repull,
		what: '2xx with Idempotency-Status: cached is a replay',
		observation: res(200, {}, { 'Idempotency-Status': 'cached' }),
		decision: succeed(true),
	},
	{
		dialect: repull,
		what: '2xx with another Idempotency-Status is fresh',
		observation: res(201, {}, { 'Idempotency-Status': 'created' }),
		decision: succeed(false),
	},
	{ dialect: repull, what: '2xx with no header is fresh', observation: res(201), decision: succeed(false) },
	{
		dialect: repull,
		what: 'Idempotent-Replayed is not Repull’s signal',
		observation: res(200, {}, { 'Idempotent-Replayed': 'true' }),
		decision: succeed(false),
	},
	{
		dialect: repull,
		what: 'bare 409: safe default, in progress',
		observation: res(409),
		decision: inProgress(),
	},
	{
		dialect: repull,
		what: '409 idempotency_key_reused: safe default, key reused',
		observation: res(409, { code: 'idempotency_key_reused' }),
		decision: fail('key_reused', 'idempotency_key_reused'),
	},
	{
		dialect: repull,
		what: '400 without a key: rejected (a key is optional)',
		observation: res(400, { code: 'invalid_body' }),
		decision: fail('rejected', 'invalid_body'),
	},
];

const problemRows: Row[] = [
	{ dialect: problem, what: '2xx: no replay signal', observation: res(200), decision: succeed(undefined) },
	{
		dialect: problem,
		what: '2xx with foreign replay headers: still no signal',
		observation: res(200, {}, { 'Idempotent-Replayed': 'true' }),
		decision: succeed(undefined),
	},
	{
		dialect: problem,
		what: '409 with a problem body: key reused',
		observation: res(409, {
			type: 'https://api.example.com/problems/idempotency-key-mismatch',
			title: 'Idempotency key matched a different request',
			status: 409,
		}),
		decision: fail('key_reused', 'idempotency_key_mismatch'),
	},
	{
		dialect: problem,
		what: 'bare 409: key reused, never in progress',
		observation: res(409, undefined, { 'Retry-After': '1' }),
		decision: fail('key_reused'),
	},
	{
		dialect: problem,
		what: '422 problem: rejected',
		observation: res(422, validation422),
		decision: fail('rejected', 'validation_error'),
	},
];

// DESIGN §4's safe default, which every dialect keeps for answers it does not map.
const safeDefaultRows: Row[] = Object.values(dialects).flatMap((dialect): Row[] => [
	{
		dialect,
		what: 'network error: retry, may have applied',
		observation: error('network'),
		decision: retry('network', true),
	},
	{
		dialect,
		what: 'timeout: retry, may have applied',
		observation: error('timeout'),
		decision: retry('timeout', true),
	},
	{
		dialect,
		what: 'failed before a connection existed: retry, not applied',
		observation: error('not_sent'),
		decision: retry('not_sent', false),
	},
	{
		dialect,
		what: 'failed before a connection existed after an unknown attempt: still nothing from this one',
		observation: error('not_sent'),
		earlierAttemptUnknown: true,
		decision: retry('not_sent', false),
	},
	...[500, 502, 503, 504, 599].map(
		(status): Row => ({
			dialect,
			what: `${status}: retry`,
			observation: res(status, 'upstream failed'),
			decision: retry('server_error', true),
		}),
	),
	{
		dialect,
		what: '503 with Retry-After: retry with the hint',
		observation: res(503, undefined, { 'Retry-After': '7' }),
		decision: retry('server_error', true, 7_000),
	},
	{
		dialect,
		what: '503 with an HTTP-date Retry-After',
		observation: res(503, undefined, { 'Retry-After': new Date(NOW + 4_000).toUTCString() }),
		decision: retry('server_error', true, 4_000),
	},
	{ dialect, what: '429: retry, not applied', observation: res(429), decision: retry('rate_limited', false) },
	{
		dialect,
		what: '429 with Retry-After: retry with the hint',
		observation: res(429, { code: 'rate_limited' }, { 'Retry-After': '5' }),
		decision: retry('rate_limited', false, 5_000),
	},
	{
		dialect,
		what: '429 with garbage Retry-After: no hint',
		observation: res(429, undefined, { 'Retry-After': 'soon' }),
		decision: retry('rate_limited', false),
	},
	{ dialect, what: '408: retry', observation: res(408), decision: retry('timeout', true) },
	{ dialect, what: '400 without a body: rejected', observation: res(400), decision: fail('rejected') },
	{
		dialect,
		what: '400 validation: rejected',
		observation: res(400, { code: 'invalid_amount' }),
		decision: fail('rejected', 'invalid_amount'),
	},
	{ dialect, what: '417: rejected', observation: res(417), decision: fail('rejected') },
	{
		dialect,
		what: '422 validation: rejected',
		observation: res(422, { errors: [{ code: 'too_small' }] }),
		decision: fail('rejected', 'too_small'),
	},
	...[401, 403, 404, 405, 410, 413, 415].map(
		(status): Row => ({
			dialect,
			what: `${status}: rejected`,
			observation: res(status),
			decision: fail('rejected'),
		}),
	),
	...['idempotency_key_reused', 'idempotency_key_conflict', 'idempotency_error'].map(
		(code): Row => ({
			dialect,
			what: `409 naming ${code}: key reused`,
			observation: res(409, { code }),
			decision: fail('key_reused', code),
		}),
	),
	// The well-known key-missing codes mean "key missing" even for dialects that map none of their own.
	...['missing_idempotency_key', 'idempotency_key_missing', 'idempotency_key_required'].map(
		(code): Row => ({
			dialect,
			what: `400 naming ${code}: key missing`,
			observation: res(400, { code }),
			decision: fail('key_missing', code),
		}),
	),
	{
		dialect,
		what: '429 naming a key-reuse code: still rate limited, retried',
		observation: res(429, { code: 'idempotency_key_reused' }, { 'Retry-After': '2' }),
		decision: retry('rate_limited', false, 2_000),
	},
	// A 1xx/3xx that reaches classify is a definite answer, never a success (redirects: see the table below).
	...[101, 300, 304, 308].map(
		(status): Row => ({
			dialect,
			what: `${status}: rejected, not a success`,
			observation: res(status),
			decision: fail('rejected'),
		}),
	),
]);

// A bare or business 409 means something else in the problem dialect (its 409 is always a key match).
const safeDefault409Rows: Row[] = [ietf, stripe, bardge, fortyTwoMin, repull].flatMap((dialect): Row[] => [
	{ dialect, what: 'bare 409: in progress', observation: res(409), decision: inProgress() },
	{
		dialect,
		what: 'bare 409 with Retry-After: in progress with the hint',
		observation: res(409, '', { 'Retry-After': '3' }),
		decision: inProgress(3_000),
	},
	{
		dialect,
		what: '409 naming a business conflict: rejected',
		observation: res(409, { code: 'insufficient_funds' }),
		decision: fail('rejected', 'insufficient_funds'),
	},
	{
		dialect,
		what: '409 naming a business conflict after an unknown attempt: rejected',
		observation: res(409, { error: { code: 'seat_taken' } }),
		earlierAttemptUnknown: true,
		decision: fail('rejected', 'seat_taken'),
	},
]);

// Each dialect's own "same key, other request" answer: after an attempt of unknown outcome, what the server holds under
// the key may be that attempt (a server comparing raw bytes, or fingerprinting more than idemkey does), so it is not
// "not applied".
const keyReuseAnswers: [Dialect, Observation, string | undefined][] = [
	[ietf, res(422, draft.reused), 'idempotency'],
	[
		stripe,
		res(400, { error: { type: 'idempotency_error', message: 'Keys for idempotent requests...' } }),
		'idempotency_error',
	],
	[
		bardge,
		res(409, { error: 'idempotency_error', code: 'idempotency_key_reused' }),
		'idempotency_key_reused',
	],
	[fortyTwoMin, res(409, { code: 'idempotency_key_conflict' }), 'idempotency_key_conflict'],
	[repull, res(409, { code: 'idempotency_key_reused' }), 'idempotency_key_reused'],
	[
		problem,
		res(409, { type: 'https://api.example.com/problems/idempotency-key-mismatch', status: 409 }),
		'idempotency_key_mismatch',
	],
];
const keyReuseRows: Row[] = keyReuseAnswers.flatMap(([dialect, observation, code]): Row[] => [
	{
		dialect,
		what: 'key reused on a first attempt: key reused',
		observation,
		decision: fail('key_reused', code),
	},
	{
		dialect,
		what: 'key reused after an attempt of unknown outcome: may have been applied',
		observation,
		earlierAttemptUnknown: true,
		decision: fail('key_reused_after_unknown', code),
	},
]);

describe('classify', () => {
	describe.each([
		{ name: 'key reuse', rows: keyReuseRows },
		{ name: 'ietf', rows: ietfRows },
		{ name: 'stripe', rows: stripeRows },
		{ name: 'bardge', rows: bardgeRows },
		{ name: '42min', rows: fortyTwoMinRows },
		{ name: 'repull', rows: repullRows },
		{ name: 'problem', rows: problemRows },
		{ name: 'safe default', rows: safeDefaultRows },
		{ name: 'safe default 409', rows: safeDefault409Rows },
	])('$name', ({ rows }) => {
		it.each(rows.map((row) => ({ ...row, label: `${row.dialect.name}: ${row.what}` })))('$label', (row) => {
			expect(run(row)).toEqual(row.decision);
		});
	});

	it('gives every dialect’s 2xx the dialect’s replay default when no header is present', () => {
		const got = Object.values(dialects).map((dialect) => [
			dialect.name,
			run({ dialect, what: '', observation: res(200), decision: succeed(undefined) }),
		]);
		expect(Object.fromEntries(got)).toEqual({
			ietf: succeed(undefined),
			stripe: succeed(false),
			bardge: succeed(false),
			'42min': succeed(undefined),
			repull: succeed(false),
			problem: succeed(undefined),
		});
	});

	it('does not let earlierAttemptUnknown turn a failure into a success outside alreadyApplied rules', () => {
		const observations = [
			res(400),
			res(422),
			res(409, { code: 'idempotency_key_reused' }),
			res(422, draft.reused),
			res(400, { code: 'missing_idempotency_key' }),
			res(409, { error: 'class_full' }),
		];
		let checked = 0;
		for (const dialect of Object.values(dialects)) {
			for (const observation of observations) {
				const row = { dialect, what: '', observation, decision: fail('rejected') };
				const afterUnknown = run({ ...row, earlierAttemptUnknown: true });
				expect(afterUnknown.type).toBe('fail');
				// Nor change which failure it is, except that a reused key can no longer mean "not applied".
				const before = run({ ...row, earlierAttemptUnknown: false });
				expect(
					afterUnknown,
					`${dialect.name} ${observation.kind === 'response' ? observation.status : ''}`,
				).toEqual(
					before.type === 'fail' && before.failure === 'key_reused'
						? { ...before, failure: 'key_reused_after_unknown' }
						: before,
				);
				checked++;
			}
		}
		expect(checked).toBe(Object.values(dialects).length * observations.length);
	});
});

describe('dialect facts (DESIGN §4)', () => {
	it.each([
		{ dialect: ietf, retentionMs: undefined, keyed: ['POST', 'PUT', 'PATCH', 'DELETE'], cachesErrors: false },
		{ dialect: stripe, retentionMs: 24 * HOUR, keyed: ['POST'], cachesErrors: true },
		{ dialect: bardge, retentionMs: 90_000, keyed: ['POST', 'PUT', 'PATCH', 'DELETE'], cachesErrors: false },
		{
			dialect: fortyTwoMin,
			retentionMs: 24 * HOUR,
			keyed: ['POST', 'PUT', 'PATCH', 'DELETE'],
			cachesErrors: false,
		},
		{ dialect: repull, retentionMs: 24 * HOUR, keyed: ['POST', 'PUT', 'PATCH'], cachesErrors: false },
		{
			dialect: problem,
			retentionMs: undefined,
			keyed: ['POST', 'PUT', 'PATCH', 'DELETE'],
			cachesErrors: false,
		},
	])(
		'$dialect.name: retention, keyed methods, cached errors',
		({ dialect, retentionMs, keyed, cachesErrors }) => {
			expect(dialect.retentionMs).toBe(retentionMs);
			expect([...dialect.keyedMethods].sort()).toEqual([...keyed].sort());
			expect(dialect.keyedMethods).not.toContain('GET');
			expect(dialect.keyedMethods).not.toContain('HEAD');
			expect(dialect.cachesErrors).toBe(cachesErrors);
			expect(dialect.keyHeader).toBe('Idempotency-Key');
		},
	);

	it.each([
		{ method: 'POST', path: '/bookings/b1/cancel', keyless: true },
		{ method: 'POST', path: '/v1/bookings/b-42/cancel/', keyless: true },
		{ method: 'POST', path: '/bookings/b1', keyless: false },
		{ method: 'POST', path: '/bookings/class', keyless: false },
		{ method: 'POST', path: '/bookings/b1/cancel/extra', keyless: false },
	])('bardge: $method $path is keyless: $keyless', ({ method, path, keyless }) => {
		expect(bardge.keyless(method, path)).toBe(keyless);
	});

	it('no other dialect marks an endpoint keyless', () => {
		for (const dialect of [ietf, stripe, fortyTwoMin, repull, problem]) {
			expect(dialect.keyless('POST', '/bookings/b1/cancel')).toBe(false);
		}
	});
});

// Redirects reach classify unfollowed (a write's always; a read's when it left the origin or looped). Status 0 is a
// browser's opaque redirect, which hides where and why.
describe('redirects', () => {
	const location = { location: 'https://elsewhere.example/x' };
	it.each([
		{
			status: 303,
			write: true,
			decision: { type: 'succeed', alreadyApplied: false },
			why: '"done, see other"',
		},
		{
			status: 307,
			write: true,
			decision: fail('rejected'),
			why: '"send it there instead": not applied here',
		},
		{
			status: 308,
			write: true,
			decision: fail('rejected'),
			why: '"send it there instead": not applied here',
		},
		{ status: 301, write: true, decision: fail('unknown'), why: '"moved" or "done": unknown, never retried' },
		{ status: 302, write: true, decision: fail('unknown'), why: '"moved" or "done": unknown, never retried' },
		{
			status: 0,
			write: true,
			decision: fail('unknown'),
			why: 'hidden by the browser: unknown, never retried',
		},
		...[0, 301, 302, 303, 307, 308].map((status) => ({
			status,
			write: false,
			decision: fail('rejected'),
			why: 'a read not followed: its answer',
		})),
	])('$status to a write: $write -> $why', ({ status, write, decision }) => {
		for (const dialect of [ietf, stripe, bardge, fortyTwoMin, repull, problem]) {
			expect(
				classify(dialect, res(status, '', location), { earlierAttemptUnknown: false, now: NOW, write }),
			).toMatchObject(decision);
		}
	});
});
