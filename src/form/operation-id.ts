import { canonicalJson } from '../keys/canonical-json.js';
import { mustBe } from '../utils/input.js';

/*
A form's operation id is `form:<name>:<content>.<random>`: the name lets a later page (another tab) find the form's
unfinished submissions with `client.pending()`; <content>, a short hash of what the form sent, lets it tell an edit
from a resubmit, in this tab after a reload and in another tab, without keeping the form's values anywhere but the
journal. The hash is not a security boundary: the journal's fingerprint (SHA-256) still refuses a changed body under
one key.
*/

export const formPrefix = (name: string): string => `form:${name}:`;

/** FNV-1a (32 bits) of the canonical JSON: an edit detector, small and synchronous. */
export function contentHash(values: unknown): string {
	let json: string;
	try {
		json = canonicalJson(values);
	} catch {
		throw mustBe('body', 'JSON data', values);
	}
	let hash = 0x811c9dc5;
	for (let i = 0; i < json.length; i++) hash = Math.imul(hash ^ json.charCodeAt(i), 0x01000193);
	return (hash >>> 0).toString(36);
}

/** The start of every operation id of this form and content: what another tab's operation is found by. */
export const contentPrefix = (name: string, hash: string): string => `${formPrefix(name)}${hash}.`;

export function checkFormName(name: unknown): void {
	if (typeof name !== 'string' || !/^[^:]{1,200}$/.test(name))
		throw mustBe('name', 'up to 200 characters but ":"', name);
}
