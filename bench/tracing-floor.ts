// `node bench/tracing-floor.ts`: what the OpenTelemetry SDK alone costs a call: a call against the same call wrapped
// in the spans the tracing issue asks of each (an INTERNAL span, a CLIENT child with the HTTP attributes, each made
// active while it runs, attributes set at the end), made by hand, with the SDK set up as in tracing-cost.ts. The call
// is bare ky, or with `--base idemkey` an idemkey call with `tracing: false`: the floor under tracing-cost.ts's figure,
// since any client emitting those spans through the SDK costs at least this.
//
//   node bench/tracing-floor.ts [--base ky|idemkey] [--rounds 12] [--calls 3000] [--concurrency 32] [--ratio 1]
import { context, SpanKind, trace } from '@opentelemetry/api';
import ky from 'ky';
import { createClient, MemoryJournal } from '../dist/index.js';
import { alternate, alternateArgs } from './alternate.ts';
import { startServer } from './children.ts';
import { registerTracing } from './tracing-sdk.ts';

const args = alternateArgs({ base: { type: 'string', default: 'ky' } });
const settings = {
	rounds: Number(args.rounds),
	calls: Number(args.calls),
	concurrency: Number(args.concurrency),
};
registerTracing(Number(args.ratio));
const tracer = trace.getTracer('floor');

const server = await startServer();
const url = new URL('bookings', server.baseUrl).href;
const payload = (i: number) => ({ json: { classId: `c${i % 500}`, clientId: `u${i}`, seats: 1 } });
const bare = ky.create({ baseUrl: server.baseUrl, retry: 0, throwHttpErrors: false });
const untraced = createClient({ baseUrl: server.baseUrl, journal: new MemoryJournal(), tracing: false });
const post =
	args.base === 'idemkey'
		? async (i: number) => (await untraced.post('bookings', payload(i))).status
		: async (i: number) => {
				const response = await bare.post('bookings', payload(i));
				await response.json();
				return response.status;
			};

async function traced(i: number): Promise<unknown> {
	const attributes = { 'idemkey.operation': `op-${i}`, 'idemkey.dialect': 'ietf' };
	const operation = tracer.startSpan(
		'idemkey POST',
		{ kind: SpanKind.INTERNAL, attributes },
		context.active(),
	);
	const inOperation = trace.setSpan(context.active(), operation);
	return context.with(inOperation, async () => {
		const request = { 'http.request.method': 'POST', 'url.full': url, 'server.address': '127.0.0.1' };
		const attempt = tracer.startSpan('POST', { kind: SpanKind.CLIENT, attributes: request }, inOperation);
		const status = await context.with(trace.setSpan(inOperation, attempt), () => post(i));
		attempt.setAttributes({ 'http.response.status_code': status });
		attempt.end();
		operation.setAttributes({
			'idemkey.key': `key-${i}`,
			'idemkey.outcome': 'succeeded',
			'idemkey.replayed': false,
			'idemkey.attempts': 1,
		});
		operation.end();
		return status;
	});
}

try {
	const figures = await alternate({ off: post, on: traced }, settings);
	process.stdout.write(
		`${JSON.stringify({ base: args.base, ...settings, ratio: Number(args.ratio), ...figures })}\n`,
	);
} finally {
	server.stop();
}
