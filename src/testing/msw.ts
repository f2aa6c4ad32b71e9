// The `idemkey/testing/msw` entry point: the dialect servers as msw handlers. Apart from `idemkey/testing` so that
// only users of msw load it: importing msw needs it installed, and under Deno its import alone keeps the process alive.
export type { DialectHandlers, DialectHandlersOptions } from './msw-handlers.js';
export { dialectHandlers } from './msw-handlers.js';
