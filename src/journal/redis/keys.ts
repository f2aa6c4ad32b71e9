/*
Where a record lives in Redis. Scope and operation are percent-encoded (encodeURIComponent) before they become part
of a key: the encoded forms hold no `{`, `}` or `:`, so a key names exactly one (scope, operation) whatever the ids
hold (a scope `a}:r:b` cannot meet a scope `a` with operation `b}:r:c`), and the scope is exactly the hash tag.
Every key of one scope carries the tag `{<scope>}`, so that a cluster keeps them in one slot and one script can
touch them all.

  <prefix>{<scope>}:r:<operation>   the record, as JSON (the string the client wrote, checked when read)
  <prefix>{<scope>}:u               unfinished operations of the scope, scored by createdAt (listUnfinished)
  <prefix>{<scope>}:f               finished operations of the scope, scored by retainUntil (collectGarbage)
  <prefix>{<scope>}:n               creation order of the unfinished ones, for records created in the same ms
  <prefix>scopes                    every scope that has records (a set), for collectGarbage to visit
*/

import { JournalError } from '../../errors/classes.js';

export type ScopeKeys = {
	/** Prefix of the scope's record keys: the encoded operation id follows. */
	readonly records: string;
	readonly unfinished: string;
	readonly finished: string;
	readonly order: string;
	/** The encoded scope, as the registry of scopes holds it. */
	readonly tag: string;
};

const encoded = (what: 'scope' | 'operation', id: string): string => {
	try {
		return encodeURIComponent(id);
	} catch {
		// A lone UTF-16 surrogate has no UTF-8 form: two such ids would be stored under one key.
		throw new JournalError(
			`RedisJournal cannot store a ${what} id that is not well-formed Unicode (it holds a lone surrogate); nothing was written.`,
		);
	}
};

/** The keys of one scope, from its encoded form (as the registry of scopes holds it). */
export const keysOfTag = (prefix: string, tag: string): ScopeKeys => {
	const base = `${prefix}{${tag}}:`;
	return { records: `${base}r:`, unfinished: `${base}u`, finished: `${base}f`, order: `${base}n`, tag };
};

export const scopeKeys = (prefix: string, scope: string): ScopeKeys =>
	keysOfTag(prefix, encoded('scope', scope));

/** The member an operation is known by in its scope's sorted sets; its record key is `records + member`. */
export const operationMember = (operation: string): string => encoded('operation', operation);

export const registryKey = (prefix: string): string => `${prefix}scopes`;

/** Prefixes hold no braces: a brace would move the hash tag off the scope. */
export const isUsablePrefix = (prefix: unknown): prefix is string =>
	typeof prefix === 'string' && !/[{}]/.test(prefix);
