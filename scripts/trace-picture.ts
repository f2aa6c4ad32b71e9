// Draws docs/img/trace.svg, the picture in docs/observability.md, from the spans a real run exports: the built client
// (`npm run build` first) with the real OpenTelemetry SDK, against a loopback server that times out once, fails once,
// says "in progress" once and then answers with a replay. Nothing in the picture is made up: bars, events and labels
// are the exported spans'.
//
//   npm run build && node scripts/trace-picture.ts [output.svg]

import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
	BasicTracerProvider,
	InMemorySpanExporter,
	type ReadableSpan,
	SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { createClient } from '../dist/index.js';

const output = process.argv[2] ?? path.resolve(import.meta.dirname, '..', 'docs', 'img', 'trace.svg');

const exporter = new InMemorySpanExporter();
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
trace.setGlobalTracerProvider(
	new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
);

// Stripe-like: the first request is slow (the client times out, the server goes on), the retry meets a 503, the
// next finds the first still running (409), the last gets the stored answer, replayed.
let requests = 0;
const server = createServer((req, res) => {
	req.resume();
	const n = ++requests;
	const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
		res.writeHead(status, { 'content-type': 'application/json', ...headers });
		res.end(JSON.stringify(body));
	};
	if (n === 1) return void setTimeout(() => res.destroy(), 400);
	if (n === 2) return send(503, { error: { type: 'api_error' } });
	if (n === 3) return send(409, { error: { type: 'idempotency_error', code: 'idempotency_key_in_use' } });
	send(201, { id: 'ch_1', amount: 4200 }, { 'idempotent-replayed': 'true' });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;

const api = createClient({
	baseUrl: `http://127.0.0.1:${port}/v1/`,
	dialect: 'stripe',
	timeout: 150,
	retry: { baseDelay: 120, maxDelay: 200, inProgressDelay: 150 },
});
await trace.getTracer('shop').startActiveSpan('checkout', async (span) => {
	await api.post('charges', { json: { amount: 4200, currency: 'eur' }, operation: 'charge:order-7' });
	span.end();
});
server.close();

const spans = exporter.getFinishedSpans();
await writeFile(output, draw(spans));
process.stderr.write(`wrote ${output} (${spans.length} spans)\n`);

function draw(spans: readonly ReadableSpan[]): string {
	const ms = (t: [number, number]) => t[0] * 1000 + t[1] / 1e6;
	const start = Math.min(...spans.map((s) => ms(s.startTime)));
	const end = Math.max(...spans.map((s) => ms(s.endTime)));
	const byStart = [...spans].sort((a, b) => ms(a.startTime) - ms(b.startTime));
	const depth = (s: ReadableSpan): number => {
		const parent = spans.find((p) => p.spanContext().spanId === s.parentSpanContext?.spanId);
		return parent ? depth(parent) + 1 : 0;
	};
	const W = 980;
	const labelW = 330;
	const row = 46;
	const top = 50;
	const x = (t: number) => labelW + ((t - start) / (end - start)) * (W - labelW - 70);
	const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
	const parts: string[] = [];
	const operation = spans.find((s) => s.name.startsWith('idemkey '));
	let y = top;
	for (const s of byStart) {
		const a = s.attributes;
		const error = s.status.code === 2;
		const fill =
			s.name === 'checkout' ? '#9aa5b1' : s === operation ? '#3b82f6' : error ? '#ef4444' : '#22c55e';
		const detail =
			s === operation
				? `outcome=${a['idemkey.outcome']} attempts=${a['idemkey.attempts']} replayed=${a['idemkey.replayed']}`
				: s.name === 'checkout'
					? "the application's span"
					: `${a['http.response.status_code'] ?? ''}${a['error.type'] ? ` error.type=${a['error.type']}` : ''}${a['http.request.resend_count'] ? ` resend_count=${a['http.request.resend_count']}` : ''}${a['idemkey.replayed'] ? ' replayed' : ''}`;
		const indent = depth(s) * 14;
		parts.push(
			`<text x="${10 + indent}" y="${y + 15}" class="name">${esc(s.name)}${s === operation ? ` (${esc(String(a['idemkey.operation']))})` : ''}</text>`,
			`<text x="${10 + indent}" y="${y + 31}" class="detail">${esc(detail.trim())}</text>`,
			`<rect x="${x(ms(s.startTime)).toFixed(1)}" y="${y + 6}" width="${Math.max(2, x(ms(s.endTime)) - x(ms(s.startTime))).toFixed(1)}" height="18" rx="3" fill="${fill}"/>`,
			`<text x="${(x(ms(s.endTime)) + 4).toFixed(1)}" y="${y + 19}" class="detail">${(ms(s.endTime) - ms(s.startTime)).toFixed(0)} ms</text>`,
		);
		y += row;
		if (s !== operation) continue;
		// The operation span's wait events, on a row of their own: each from its time for the length it names.
		parts.push(
			`<text x="${10 + indent + 14}" y="${y + 15}" class="event">idemkey.wait events</text>`,
			`<text x="${10 + indent + 14}" y="${y + 31}" class="detail">on the operation span</text>`,
		);
		s.events
			.filter((e) => e.name === 'idemkey.wait')
			.forEach((event, i) => {
				const ex = x(ms(event.time));
				const wait = Number(event.attributes?.['idemkey.wait.ms'] ?? 0);
				const reason = String(event.attributes?.['idemkey.wait.reason']);
				parts.push(
					`<rect x="${ex.toFixed(1)}" y="${y + 12}" width="${Math.max(2, x(ms(event.time) + wait) - ex).toFixed(1)}" height="8" fill="#f59e0b"/>`,
					`<text x="${ex.toFixed(1)}" y="${i % 2 === 0 ? y + 8 : y + 33}" class="event">${esc(reason)} ${wait} ms</text>`,
				);
			});
		y += row;
	}
	const height = y + 30;
	const ticks = [];
	for (let t = 0; t <= end - start; t += 100) {
		ticks.push(
			`<line x1="${x(start + t).toFixed(1)}" y1="${top - 8}" x2="${x(start + t).toFixed(1)}" y2="${height - 24}" class="grid"/>`,
			`<text x="${x(start + t).toFixed(1)}" y="${top - 12}" class="tick">${t} ms</text>`,
		);
	}
	return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" font-family="ui-monospace, Menlo, monospace" role="img">
<title>A trace of one idemkey operation: the operation span, its four attempts and the waits between them</title>
<style>.name{font-size:13px;fill:#111}.detail{font-size:11px;fill:#555}.event{font-size:10px;fill:#b45309}.tick{font-size:10px;fill:#888;text-anchor:middle}.grid{stroke:#eee}</style>
<rect width="100%" height="100%" fill="#fff"/>
<text x="10" y="20" class="name">One POST /v1/charges (dialect stripe, timeout 150 ms): exported spans, OpenTelemetry SDK</text>
${ticks.join('\n')}
${parts.join('\n')}
<text x="10" y="${height - 8}" class="detail">blue: idemkey.operation (INTERNAL) · green/red: attempts (CLIENT) · amber: idemkey.wait events (reason, length)</text>
</svg>
`;
}
