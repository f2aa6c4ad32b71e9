import { hex, sha256HexOfText } from '../utils/sha256.js';

/** Which rule named the action, and the material its key is derived from. */
export type Identity = {
	kind: 'call' | 'intent' | 'key' | 'mcp-key';
	/** Everything that makes two calls the same action under this rule (besides scope and tool). */
	material: string;
	/** A readable id for the operation id (a call id, a business key), when it is short and plain enough. */
	label: string | undefined;
	/** The canonical JSON of the input, when the rule already wrote it (keyed by intent): the fingerprint reuses it. */
	canonicalInput?: string;
};

export type ToolIds = { operation: string; key: string };

const encoder = new TextEncoder();
// Bumping it changes every derived key: never, once released.
const DOMAIN = 'idemkey/agent/v1';
const PLAIN_LABEL = /^[\w.:@/+=-]{1,160}$/;

// Strings are hashed as UTF-8, where every lone surrogate becomes U+FFFD: two different ids would share one key.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Whether a string hashes as itself: no lone surrogate. */
export const wellFormed = (text: string): boolean => !LONE_SURROGATE.test(text);

/** A label worth showing in an operation id, or `undefined`. */
export const plainLabel = (value: string): string | undefined =>
	PLAIN_LABEL.test(value) ? value : undefined;

/**
Derives the key and operation id of an action. The key is a UUID (version 8, RFC 9562: its bits are ours) made of the
first 16 bytes of SHA-256, or of HMAC-SHA-256 under `secret`, over the scope, tool, rule and material: every server
accepts a UUID, and the same action gets the same key in every process, with or without its journal.
*/
export async function toolIds(
	scope: string,
	tool: string,
	identity: Identity,
	hmacKey: CryptoKey | undefined,
): Promise<ToolIds> {
	const text = [DOMAIN, scope, tool, identity.kind, identity.material].join('\u0000');
	const digest = hmacKey
		? hex(await crypto.subtle.sign('HMAC', hmacKey, encoder.encode(text)))
		: await sha256HexOfText(text);
	const key = uuidV8(digest);
	// A tool name with a colon could make a readable id ambiguous (tool "a:call", key "x" and tool "a", call "key:x"
	// both read `tool:a:call:key:x`), and two actions would share one record: name those by their key alone.
	const label = tool.includes(':') ? undefined : identity.label;
	return { key, operation: `tool:${tool}:${identity.kind}:${label ?? key}` };
}

/** Imports an HMAC-SHA-256 secret once per wrapper. */
export const importSecret = (secret: string | Uint8Array): Promise<CryptoKey> =>
	crypto.subtle.importKey(
		'raw',
		typeof secret === 'string' ? encoder.encode(secret) : new Uint8Array(secret),
		{ name: 'HMAC', hash: 'SHA-256' },
		false,
		['sign'],
	);

/** Byte length of a secret as the HMAC will see it. */
export const secretLength = (secret: string | Uint8Array): number =>
	typeof secret === 'string' ? encoder.encode(secret).length : secret.length;

/** The first 16 bytes of a hex digest as a UUID, its version (8) and variant (10) bits set. */
function uuidV8(digest: string): string {
	const variant = ((Number.parseInt(digest.charAt(16), 16) & 0x3) | 0x8).toString(16);
	return `${digest.slice(0, 8)}-${digest.slice(8, 12)}-8${digest.slice(13, 16)}-${variant}${digest.slice(17, 20)}-${digest.slice(20, 32)}`;
}
