/*
The browser build's `startTrace` (see trace.ts, and scripts/browser-variants.ts for how it replaces it): no spans. A web
page rarely registers an OpenTelemetry tracer provider, and the span code would weigh about 1.3 KB gzip on every page
that uses idemkey (DESIGN §6's browser budget). Node, Deno and Bun get tracing from the default build; what the page
still keeps is the attempt history on each record, which `idemkey inspect` and `pending` read.
*/
import type { OperationTrace } from './trace.js';

export type { AttemptTrace, Ending, OperationTrace, WaitReason } from './trace.js';

/** Never traced in the browser build: see above. */
export const startTrace = (
	_enabled: boolean,
	_call: { method: string; url: string; operation: string; dialect: string },
): OperationTrace | undefined => undefined;
