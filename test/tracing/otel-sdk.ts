import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
	BasicTracerProvider,
	InMemorySpanExporter,
	type ReadableSpan,
	type Sampler,
	SimpleSpanProcessor,
	type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';

/**
The real OpenTelemetry SDK, registered globally the way an application does it (a tracer provider, and a context manager
so that spans nest across `await`), with spans kept in memory. `processors` run before the exporter's; `sampler`
replaces the SDK's default (record everything). `started()` counts the spans asked for, recorded or not.
*/
export function registerSdk(
	options: { contextManager?: boolean; processors?: SpanProcessor[]; sampler?: Sampler } = {},
) {
	const exporter = new InMemorySpanExporter();
	const sdk = new BasicTracerProvider({
		spanProcessors: [...(options.processors ?? []), new SimpleSpanProcessor(exporter)],
		...(options.sampler && { sampler: options.sampler }),
	});
	let started = 0;
	const provider = {
		getTracer(...args: Parameters<typeof sdk.getTracer>) {
			const tracer = sdk.getTracer(...args);
			return Object.assign(Object.create(tracer), {
				startSpan(...span: Parameters<typeof tracer.startSpan>) {
					started++;
					return tracer.startSpan(...span);
				},
			});
		},
	};
	if (options.contextManager !== false) {
		context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
	}
	trace.setGlobalTracerProvider(provider);
	return {
		exporter,
		spans: () => exporter.getFinishedSpans(),
		started: () => started,
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
