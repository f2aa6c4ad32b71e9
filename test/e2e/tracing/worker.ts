// A process with the real OpenTelemetry SDK and a FileJournal, run twice by crash-link.test.ts. `first`: sends one
// operation inside the application's own span, whose trace id it reports before sending (the test kills it while
// the request is on the wire). `resume`: resumes what the first left unfinished, then prints the journaled trace
// context it found and every span it exported, as JSON.
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
	BasicTracerProvider,
	InMemorySpanExporter,
	SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { createClient } from '../../../src/client/create.js';
import { FileJournal } from '../../../src/node.js';

const [directory = '', baseUrl = '', mode = ''] = process.argv.slice(2);

const exporter = new InMemorySpanExporter();
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
trace.setGlobalTracerProvider(
	new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
);

const journal = new FileJournal({ directory });
// A short lease: the resuming process takes the killed one's attempt over once it lapses (the default waits 30 s).
const api = createClient({
	baseUrl,
	journal,
	scope: 'tracing',
	leaseMs: 300,
	retry: { baseDelay: 5, maxDelay: 20 },
});

if (mode === 'first') {
	await trace.getTracer('shop').startActiveSpan('checkout', async (span) => {
		process.send?.({ traceId: span.spanContext().traceId });
		await api.post('orders', { json: { item: 'book' }, operation: 'order-1' });
	});
} else {
	const [record] = await api.pending();
	const reports = await api.resumeAll();
	await journal.close();
	const spans = exporter.getFinishedSpans().map((span) => ({
		name: span.name,
		traceId: span.spanContext().traceId,
		spanId: span.spanContext().spanId,
		parentSpanId: span.parentSpanContext?.spanId,
		attributes: span.attributes,
		links: span.links.map((link) => ({ ...link.context, attributes: link.attributes })),
	}));
	process.stdout.write(JSON.stringify({ trace: record?.trace, reports, spans }));
}
