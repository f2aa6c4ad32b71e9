// `node bench/tracing-floor.ts`: what the OpenTelemetry SDK alone costs a call, without idemkey: bare ky against bare
// ky plus the spans the tracing issue asks of each call (an INTERNAL span, a CLIENT child with the HTTP attributes,
// each made active while it runs, attributes set at the end), with the SDK set up as in tracing-cost.ts. The floor
// under idemkey's tracing cost: any client emitting those spans through the SDK costs a call at least this.
//
//   node bench/tracing-floor.ts [--rounds 12] [--calls 3000] [--concurrency 32] [--ratio 1]
import { context, SpanKind, trace } from '@opentelemetry/api';
import ky from 'ky';
import { alternate, alternateArgs } from './alternate.ts';
import { startServer } from './children.ts';
import { registerTracing } from './tracing-sdk.ts';

const args = alternateArgs();
const settings = {
	rounds: Number(args.rounds),
	calls: Number(args.calls),
	concurrency: Number(args.concurrency),
};
registerTracing(Number(args.ratio));
const tracer = trace.getTracer('floor');

const server = await startServer();
const api = ky.create({ baseUrl: server.baseUrl, retry: 0, throwHttpErrors: false });
const url = new URL('bookings', server.baseUrl).href;
const post = async (i: number) => {
	const response = await api.post('bookings', {
		json: { classId: `c${i % 500}`, clientId: `u${i}`, seats: 1 },
	});
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
	process.stdout.write(`${JSON.stringify({ ...settings, ratio: Number(args.ratio), ...figures })}\n`);
} finally {
	server.stop();
}
