import { fork } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoopbackServer, sendJson, startServer } from '../../helpers/loopback-server.js';
import { bundleScript } from '../../journal/node/bundle.js';
import { tempDir } from '../../journal/node/temp-dirs.js';

// A worker SIGKILLed while its request is on the wire leaves no span behind (it never ended, so it was never
// exported), only its journal record. The process that resumes the operation must still be able to say "this is the
// same operation as that trace": its span links to the trace context the record kept from the first run.

type Exported = {
	name: string;
	traceId: string;
	spanId: string;
	parentSpanId?: string;
	attributes: Record<string, unknown>;
	links: { traceId: string; spanId: string; attributes: Record<string, unknown> }[];
};
type Output = {
	trace?: { traceparent: string };
	reports: { ok: boolean }[];
	spans: Exported[];
};

let script: string;
let server: LoopbackServer;
let arrived: () => void;
const firstArrived = new Promise<void>((resolve) => {
	arrived = resolve;
});
beforeAll(async () => {
	script = await bundleScript(join(import.meta.dirname, 'worker.ts'));
	// The first request is held (never answered): the worker is killed while it waits. Later ones are answered.
	server = await startServer((_req, res, index) => {
		if (index === 0) return arrived();
		sendJson(res, 201, { id: 'ord-1' });
	});
});
afterAll(() => server?.close());

function run(directory: string, mode: 'first' | 'resume') {
	const child = fork(script, [directory, server.url, mode], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
	let out = '';
	child.stdout?.on('data', (chunk: Buffer) => {
		out += chunk;
	});
	const traceId = new Promise<string>((resolve) =>
		child.once('message', (m: { traceId: string }) => resolve(m.traceId)),
	);
	const exited = new Promise<number | string>((resolve) =>
		child.once('exit', (code, signal) => resolve(signal ?? code ?? -1)),
	);
	return { child, traceId, exited, output: () => out };
}

describe('an operation interrupted by SIGKILL and resumed by another process', () => {
	it("is one operation in the traces: the resumed span links to the first run's trace", async () => {
		const directory = tempDir('idemkey-tracing-crash-');
		const first = run(directory, 'first');
		const firstTraceId = await first.traceId;
		await firstArrived;
		first.child.kill('SIGKILL');
		expect(await first.exited).toBe('SIGKILL');

		const second = run(directory, 'resume');
		expect(await second.exited).toBe(0);
		const output = JSON.parse(second.output()) as Output;

		// The record kept the first run's trace context: the operation span under the application's span.
		const [, recordTraceId, recordSpanId] = output.trace?.traceparent.split('-') ?? [];
		expect(recordTraceId).toBe(firstTraceId);
		expect(output.reports).toEqual([expect.objectContaining({ ok: true })]);

		const operation = output.spans.find((span) => span.name === 'idemkey POST');
		expect(operation?.attributes).toMatchObject({
			'idemkey.operation': 'order-1',
			'idemkey.outcome': 'succeeded',
			'idemkey.attempts': 1,
		});
		expect(operation?.traceId).not.toBe(firstTraceId);
		expect(operation?.links).toEqual([
			expect.objectContaining({
				traceId: firstTraceId,
				spanId: recordSpanId,
				attributes: { 'idemkey.link': 'first_run' },
			}),
		]);
		// Same operation, same key, on the wire: the server saw it twice.
		expect(server.received).toHaveLength(2);
		expect(server.received[1]?.headers['idempotency-key']).toBe(
			server.received[0]?.headers['idempotency-key'],
		);
	}, 60_000);
});
