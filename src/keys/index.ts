export { canonicalJson } from './canonical-json.js';
export type { FingerprintInput } from './fingerprint.js';
export { fingerprint } from './fingerprint.js';
export { deriveKey, mintKey, mintOperationId } from './mint.js';
export { assertValidKey } from './validate.js';
