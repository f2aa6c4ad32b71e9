// The OpenTelemetry SDK as a Node service registers it, for every traced measurement: globally, with the
// AsyncLocalStorage context manager, a batching processor and an in-memory exporter emptied every second (so the heap
// stays flat). The queue is large enough that no span is dropped: a dropped span would cost less than an exported one.
// `ratio` below 1 samples that share of operations (ParentBased(TraceIdRatioBased)), as a busy service would.
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
	BasicTracerProvider,
	BatchSpanProcessor,
	InMemorySpanExporter,
	ParentBasedSampler,
	TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';

export function registerTracing(ratio = 1): void {
	const exporter = new InMemorySpanExporter();
	const processor = new BatchSpanProcessor(exporter, {
		maxQueueSize: 1_000_000,
		maxExportBatchSize: 4096,
		scheduledDelayMillis: 200,
	});
	const sampler =
		ratio < 1 ? new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) }) : undefined;
	context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
	trace.setGlobalTracerProvider(
		new BasicTracerProvider({ spanProcessors: [processor], ...(sampler && { sampler }) }),
	);
	setInterval(() => exporter.reset(), 1000).unref();
}
