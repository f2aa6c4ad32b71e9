import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
	BasicTracerProvider,
	InMemorySpanExporter,
	type ReadableSpan,
	SimpleSpanProcessor,
	type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';

/**
The real OpenTelemetry SDK, registered globally the way an application does it (a tracer provider, and a context manager
so that spans nest across `await`), with spans kept in memory. `processors` run before the exporter's.
*/
export function registerSdk(options: { contextManager?: boolean; processors?: SpanProcessor[] } = {}) {
	const exporter = new InMemorySpanExporter();
	const provider = new BasicTracerProvider({
		spanProcessors: [...(options.processors ?? []), new SimpleSpanProcessor(exporter)],
	});
	if (options.contextManager !== false) {
		context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
	}
	trace.setGlobalTracerProvider(provider);
	return {
		exporter,
		spans: () => exporter.getFinishedSpans(),
		unregister() {
			trace.disable();
			context.disable();
		},
	};
}

/** The operation spans (INTERNAL, `idemkey ...`) among `spans`, in the order they ended. */
export const operationSpans = (spans: readonly ReadableSpan[]) =>
	spans.filter((span) => span.name.startsWith('idemkey '));

/** The attempt spans that are children of `parent`, in the order they started. */
export const attemptSpans = (spans: readonly ReadableSpan[], parent: ReadableSpan) =>
	spans
		.filter((span) => span.parentSpanContext?.spanId === parent.spanContext().spanId)
		.sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1]);
