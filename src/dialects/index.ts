export { bardge, dialects, fortyTwoMin, ietf, problem, repull, stripe } from './catalog.js';
export type { DialectInit } from './define.js';
export { defineDialect } from './define.js';
export { errorCodes } from './error-body.js';
export { KNOWN_REPLAY_HEADERS } from './fallback.js';
export { resolveDialect } from './resolve.js';
export type { AnswerRule, Dialect, DialectName, ReplayHeader } from './types.js';
