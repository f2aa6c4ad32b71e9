/** Times one statement is sent again after the server broke a deadlock or a serialization conflict by rolling it back. */
export const CONFLICT_ROUNDS = 5;

// Rolled back whole because of other transactions, not because of what it says: the same statement may well pass now.
const CONFLICTS = new Set(['40P01', '40001']);
// Refused because of a value (data exception, integrity constraint, a key too large for its index): some item's own
// fault, which its batch-mates must not share.
const ABOUT_AN_ITEM = /^(22|23|54)[0-9A-Z]{3}$/;

export type AfterFailure = 'again' | 'alone' | 'fail';

/**
What to do when a batch statement failed with SQLSTATE `code` in its `round` (from 1): send it `again`; send its items
each `alone`, so each gets its own answer; or `fail` every item with this error (the connection broke, or the table
itself is wrong: each item alone would fail the same way).
*/
export function afterFailure(code: string | undefined, size: number, round: number): AfterFailure {
	if (code !== undefined && CONFLICTS.has(code)) {
		if (round < CONFLICT_ROUNDS) return 'again';
		return size > 1 ? 'alone' : 'fail';
	}
	return size > 1 && code !== undefined && ABOUT_AN_ITEM.test(code) ? 'alone' : 'fail';
}
