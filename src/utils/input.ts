/*
Limits and checks shared by the client's option validation (src/client/) and the layers below it that meet the same
values again (operation/ for an operation id it derives from a key, agent/ for its own timeouts and signals). They
live here because operation/ must not import client/.
*/

import { InvalidRequestError } from '../errors/classes.js';

/** The longest delay a timer can hold. */
export const MAX_TIMEOUT_MS = 2_147_483_647;

/** The longest operation id a journal is asked to key on. */
export const MAX_OPERATION_LENGTH = 512;

/** The one shape of a refused input: `field must be what; got <value described, never shown: it may be a secret>.` */
export const mustBe = (field: string, what: string, value: unknown): InvalidRequestError =>
	new InvalidRequestError(`${field} must be ${what}; got ${describe(value)}.`, { field });

/** An operation id, given by the caller or derived from the key, or InvalidRequestError (field `operation`). */
export function checkOperation(operation: unknown): void {
	if (typeof operation !== 'string' || operation.length === 0 || operation.length > MAX_OPERATION_LENGTH) {
		throw mustBe('operation', `a non-empty string of at most ${MAX_OPERATION_LENGTH} characters`, operation);
	}
}

/** Whether the value is a real AbortSignal: fetch and AbortSignal.any() check the brand, not the shape. */
export function isAbortSignal(value: unknown): value is AbortSignal {
	if (typeof value !== 'object' || value === null || typeof AbortSignal === 'undefined') return false;
	const aborted = Object.getOwnPropertyDescriptor(AbortSignal.prototype, 'aborted')?.get;
	try {
		aborted?.call(value);
		return aborted !== undefined;
	} catch {
		return false;
	}
}

/** A value named for an error message without repeating it: it may be a secret. */
export function describe(value: unknown): string {
	if (value === null) return 'null';
	if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
	if (typeof value === 'string') return `a string of ${value.length} characters`;
	if (Array.isArray(value)) return 'an array';
	if (typeof value === 'object') return value.constructor?.name ? `a ${value.constructor.name}` : 'an object';
	return typeof value === 'undefined' ? 'undefined' : `a ${typeof value}`;
}
