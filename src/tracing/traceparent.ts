import type { SpanContext } from './otel.js';

/** What a journal record keeps of the trace that first ran its operation (W3C Trace Context). */
export type TraceParent = { traceparent: string; tracestate?: string | undefined };

/** A span's context as a `traceparent` header value (and its `tracestate`, when it has one). */
export function traceParentOf(context: SpanContext): TraceParent {
	const traceparent = `00-${context.traceId}-${context.spanId}-0${context.traceFlags & 1}`;
	const tracestate = context.traceState?.serialize();
	return tracestate ? { traceparent, tracestate } : { traceparent };
}

/**
The span context a stored `traceparent` names, to link to; `undefined` for anything malformed (a record written by
hand or by another program): a bad link must never fail a call.
*/
export function parseTraceParent(value: string | undefined): SpanContext | undefined {
	const [, traceId = '', spanId = '', flags = ''] = value?.split('-') ?? [];
	if (!/^[\da-f]{32}$/.test(traceId) || !/^[\da-f]{16}$/.test(spanId)) return undefined;
	return { traceId, spanId, traceFlags: Number.parseInt(flags, 16) & 1, isRemote: true };
}
