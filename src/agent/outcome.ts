import type { IdempotencyError } from '../errors/base.js';
import type { ToolFailed, ToolOutcome, ToolOutcomeUnknown } from './types.js';

/** What an error means for the action, and so for its record. */
export type Disposition =
	/** May have been applied: the record stays unfinished, and a re-run resends under the same key. */
	| 'unknown'
	/** Final (not applied, or set aside by hand): the record is failed, and a re-run gets the same outcome. */
	| 'failed'
	/** Nothing was sent: the record goes back to where it was, and a re-run tries again. */
	| 'not_sent';

export type Classified = { disposition: Disposition; outcome: ToolOutcome };

type Ids = { operation: string; key: string };

const unknownCodes = new Set(['outcome_unknown', 'in_progress', 'key_expired']);
// May have been applied, and final: an operator set it aside; every later run is refused the same way.
const settledUnknownCodes = new Set(['abandoned']);
const failedCodes = new Set(['rejected', 'key_reused', 'key_missing']);
const notSentCodes = new Set(['invalid_request', 'journal', 'not_sent']);

/**
The model-readable outcome of an idemkey error, or `undefined` for errors that are not about the action's outcome
(a schema mismatch in the response is a bug to surface, not something the model can act on).
@param retrySafe - calling the tool again with the same input is the same operation (keyed by intent or business
key), so the model may retry; keyed by call id, a new call would be a new action, so it must not.
*/
export function classify(error: IdempotencyError, ids: Ids, retrySafe: boolean): Classified | undefined {
	const { code } = error;
	if (unknownCodes.has(code)) {
		return {
			disposition: 'unknown',
			outcome: unknownOutcome(code as ToolOutcomeUnknown['code'], ids, retrySafe),
		};
	}
	if (settledUnknownCodes.has(code)) {
		return {
			disposition: 'failed',
			outcome: unknownOutcome(code as ToolOutcomeUnknown['code'], ids, retrySafe),
		};
	}
	const reason = reasonOf(error);
	if (failedCodes.has(code))
		return { disposition: 'failed', outcome: failed(code as ToolFailed['code'], ids, reason) };
	if (notSentCodes.has(code)) {
		return { disposition: 'not_sent', outcome: failed(code as ToolFailed['code'], ids, reason) };
	}
	return undefined;
}

export function unknownOutcome(
	code: ToolOutcomeUnknown['code'],
	ids: Ids,
	retrySafe: boolean,
): ToolOutcomeUnknown {
	const what =
		code === 'in_progress'
			? 'The action is still being processed and its result is not known yet.'
			: 'The action may or may not have been carried out: its answer was lost.';
	const advice =
		code === 'key_expired' || code === 'abandoned'
			? `The action may have been carried out, and ${code === 'abandoned' ? 'it was set aside for a person to check' : 'it is too late to retry it safely'}. Do not retry it; tell the user it must be checked (operation ${ids.operation}).`
			: retrySafe
				? `${what} Calling this tool again with exactly the same input is safe: it continues this same action and cannot apply it twice. Do not change the input to retry.`
				: `${what} Do not call this tool again for it: a new call could apply it a second time. Tell the user it could not be confirmed (operation ${ids.operation}).`;
	return { status: 'outcome_unknown', code, ...ids, advice };
}

function failed(code: ToolFailed['code'], ids: Ids, reason: string | undefined): ToolFailed {
	const outcome: ToolFailed = { status: 'failed', code, ...ids, advice: failedAdvice(code, reason) };
	if (reason !== undefined) outcome.reason = reason;
	return outcome;
}

function failedAdvice(code: ToolFailed['code'], reason: string | undefined): string {
	switch (code) {
		case 'rejected':
			return `The action was not carried out: the service refused it${reason ? ` (${reason})` : ''}. Repeating the same request will fail the same way: change it or ask the user.`;
		case 'key_reused':
			return 'The action was not carried out: this action was already requested with different details. Do not retry with changed details; ask the user what they want.';
		case 'key_missing':
			return 'The action was not carried out: the service requires an idempotency key. This is a configuration problem; do not retry.';
		case 'invalid_request':
			return `The action was not carried out: the request was invalid${reason ? ` (${reason})` : ''}. Do not retry it as it is.`;
		case 'journal':
			return 'The action was not carried out: nothing was sent, because its record could not be written. Trying again later is safe.';
		case 'not_sent':
			return 'The action was not carried out: the service could not be reached, so nothing was sent. Trying again later is safe.';
	}
}

// A code, not prose: the service's error code comes from its response body, which the model must not read at length.
const PLAIN_CODE = /^[A-Za-z0-9_.:-]{1,64}$/;

function reasonOf(error: IdempotencyError): string | undefined {
	const extra = error as { errorCode?: unknown; field?: unknown };
	if (typeof extra.errorCode === 'string')
		return PLAIN_CODE.test(extra.errorCode) ? extra.errorCode : undefined;
	if (error.code === 'invalid_request' && typeof extra.field === 'string') return extra.field;
	return undefined;
}

/**
The error `throwOn` throws, as the model may see it: frameworks hand a tool's error message to the model (the AI SDK
as the tool's error text, an MCP server as the result's text), and the messages of idemkey's client and of the tool's
own exceptions can quote a URL, a transport or journal failure, a driver's words. So the copy keeps the class, `code`
and the other fields the host matches on, names the tool's operation and key (those the model was given), says the
outcome's advice as its message, and keeps the original, whole, as `cause` for the host's logs.
*/
export function modelSafe(error: unknown, outcome: ToolOutcome): Error {
	const ids = { operation: outcome.operation, key: outcome.key };
	const own = { writable: true, configurable: true, enumerable: false };
	let safe: Error;
	try {
		if (!(error instanceof Error)) throw error;
		safe = Object.assign(Object.create(Object.getPrototypeOf(error)) as Error, error, ids);
		Object.defineProperty(safe, 'message', { ...own, value: outcome.advice });
		Object.defineProperty(safe, 'stack', { ...own, value: `${safe.name}: ${outcome.advice}` });
	} catch {
		// Not an Error, or one whose fields are host getters (a DOMException): a plain Error says the same.
		safe = Object.assign(new Error(outcome.advice), ids);
	}
	Object.defineProperty(safe, 'cause', { ...own, value: error });
	return safe;
}

/** Said on a replay whose result was not kept. */
export const notKept = (ids: Ids): ToolOutcome => ({
	status: 'result_not_kept',
	...ids,
	advice:
		'The action was already carried out by an earlier call; its result was not kept. Do not repeat it; tell the user it is done.',
});
