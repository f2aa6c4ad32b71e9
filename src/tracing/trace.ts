import { answerAttributes, errorType, outcomeOf, requestAttributes } from './attributes.js';
import {
	type Attributes,
	type Context,
	registered,
	rootContext,
	type Span,
	SpanKind,
	StatusCode,
	type Tracer,
	withSpan,
} from './otel.js';
import { parseTraceParent, type TraceParent, traceParentOf } from './traceparent.js';

/*
The spans of one logical operation call: an INTERNAL span for the call, a CLIENT span per attempt, an event per wait.
Every call into OpenTelemetry is guarded: a span processor or exporter that throws costs the call its spans, never its
outcome. Closures rather than a class: this runs in browser pages too, and local names minify where fields do not.
*/

/** Why a call waited before its next attempt, for the `idemkey.wait` event. */
export type WaitReason = 'backoff' | 'retry_after' | 'in_progress' | 'lease' | 'offline';

/** One attempt's CLIENT span. */
export type AttemptTrace = {
	/** Runs the send with the attempt's span active, so that an instrumented `fetch` nests its own spans under it. */
	run<T>(send: () => Promise<T>): Promise<T>;
	/** Ends the span with what came back: a status, or the transport's error kind (`network`, `timeout`, ...). */
	end(answer: { status?: number; error?: string }, replayed?: boolean): void;
};

/** How the call ended, for the operation span. */
export type Ending = {
	readonly attempts: number;
	readonly result?: { readonly key: string | undefined; readonly replayed: boolean | undefined };
	readonly error?: unknown;
};

export type OperationTrace = {
	/** The operation span's W3C context: what a new record keeps so that a later run can link to this one. */
	readonly parent: TraceParent;
	/** Runs the whole call with the operation span active (journal and fetch instrumentations nest under it). */
	run<T>(fn: () => Promise<T>): Promise<T>;
	/** A CLIENT span for attempt number `attempt` (1 for the call's first). */
	attempt(attempt: number): AttemptTrace | undefined;
	/** A wait before the next attempt, as an event on the operation span: why (`cause`: what it retries), how long. */
	wait(reason: WaitReason, ms: number, cause?: string): void;
	/** Links the operation span to the trace that first ran the operation (another process's, before a crash). */
	linkTo(first: TraceParent | undefined): void;
	end(ending: Ending): void;
};

/** Runs `fn`, ignoring what it throws: tracing must never change a call's outcome. */
function safely(fn: () => void): void {
	try {
		fn();
	} catch {}
}

const unsampled = (span: Span, parent: TraceParent, run: OperationTrace['run']): OperationTrace => ({
	parent,
	run,
	attempt: () => undefined,
	wait() {},
	linkTo() {},
	// Ended all the same: a tracer that tracks its open spans must not see it left open.
	end: () => safely(() => span.end()),
});

/**
The operation span of a call, started when the application registered a tracer provider with `@opentelemetry/api`
(and the client's `tracing` option is not `false`); `undefined` otherwise, which costs the call nothing more.
*/
export function startTrace(
	enabled: boolean,
	call: { method: string; url: string; operation: string; dialect: string },
): OperationTrace | undefined {
	const api = enabled ? registered() : undefined;
	if (!api?.trace) return undefined;
	const manager = api.context;
	/** Runs `fn` in `context`, once, whatever the context manager does (without one, spans are parented by hand). */
	const within = <T>(context: Context, fn: () => T): T => {
		let ran = false;
		try {
			if (manager)
				return manager.with(context, () => {
					ran = true;
					return fn();
				});
		} catch (error) {
			if (ran) throw error;
		}
		return fn();
	};
	let tracer: Tracer;
	let span: Span;
	let context: Context;
	let parent: TraceParent;
	let recording: boolean;
	try {
		tracer = api.trace.getTracer('idemkey');
		const attributes = { 'idemkey.operation': call.operation, 'idemkey.dialect': call.dialect };
		const active = manager?.active() ?? rootContext();
		span = tracer.startSpan(`idemkey ${call.method}`, { kind: SpanKind.INTERNAL, attributes }, active);
		context = withSpan(active, span);
		parent = traceParentOf(span.spanContext());
		recording = span.isRecording?.() !== false;
	} catch {
		return undefined;
	}
	// Unsampled (the application's sampler said no): spans would record nothing, so none is made per attempt and no
	// attribute is computed. The call still runs in the operation's context, which carries the decision downstream.
	if (!recording) return unsampled(span, parent, (fn) => within(context, fn));
	let request: Attributes | undefined;
	return {
		parent,
		run: (fn) => within(context, fn),
		attempt(attempt) {
			let started: Span | undefined;
			safely(() => {
				request ??= requestAttributes(call.method, call.url);
				const attributes = attempt > 1 ? { ...request, 'http.request.resend_count': attempt - 1 } : request;
				const name = attributes['http.request.method'] === '_OTHER' ? 'HTTP' : call.method;
				started = tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes }, context);
			});
			const own = started;
			return (
				own && {
					run: (send) => within(withSpan(context, own), send),
					end: (answer, replayed) =>
						safely(() => {
							const attributes = answerAttributes(answer);
							if (replayed !== undefined) attributes['idemkey.replayed'] = replayed;
							own.setAttributes(attributes);
							if (attributes['error.type'] !== undefined) own.setStatus({ code: StatusCode.ERROR });
							own.end();
						}),
				}
			);
		},
		wait(reason, ms, cause) {
			const attributes: Attributes = { 'idemkey.wait.reason': reason, 'idemkey.wait.ms': ms };
			if (cause !== undefined) attributes['idemkey.retry.reason'] = cause;
			safely(() => span.addEvent('idemkey.wait', attributes));
		},
		linkTo(first) {
			const linked = parseTraceParent(first?.traceparent);
			if (linked && first?.traceparent !== parent.traceparent)
				safely(() => span.addLink?.({ context: linked, attributes: { 'idemkey.link': 'first_run' } }));
		},
		end({ attempts, result, error }) {
			safely(() => {
				const attributes: Attributes = {
					'idemkey.outcome': result ? 'succeeded' : outcomeOf(error),
					'idemkey.attempts': attempts,
				};
				const key = result ? result.key : (error as { key?: unknown } | undefined)?.key;
				if (typeof key === 'string') attributes['idemkey.key'] = key;
				if (typeof result?.replayed === 'boolean') attributes['idemkey.replayed'] = result.replayed;
				if (!result) {
					const type = errorType(error);
					attributes['error.type'] = type;
					span.setStatus({ code: StatusCode.ERROR, message: type });
				}
				span.setAttributes(attributes);
				span.end();
			});
		},
	};
}
