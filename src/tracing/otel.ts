/*
The few parts of the OpenTelemetry API (1.x) that idemkey uses, typed here rather than imported: `@opentelemetry/api`
is an optional peer, and the core must load (in a browser too) without it. The API keeps what the application
registered (tracer provider, context manager) on `globalThis` under one symbol per major version, and every copy of
the API reads it from there; reading it directly costs one property lookup per call, needs no import that a bundler
would try to resolve, and no asynchronous load before the first call's span.
*/

export type Attributes = Record<string, string | number | boolean>;

export type SpanContext = {
	readonly traceId: string;
	readonly spanId: string;
	readonly traceFlags: number;
	readonly isRemote?: boolean;
	readonly traceState?: { serialize(): string } | undefined;
};

export type Span = {
	spanContext(): SpanContext;
	setAttributes(attributes: Attributes): unknown;
	addEvent(name: string, attributes?: Attributes): unknown;
	/** API 1.9 and later; an older SDK's span has none. */
	addLink?(link: { context: SpanContext; attributes?: Attributes }): unknown;
	setStatus(status: { code: number; message?: string }): unknown;
	/** False for a span the sampler dropped (it records nothing). */
	isRecording?(): boolean;
	end(): void;
};

export type Context = {
	getValue(key: symbol): unknown;
	setValue(key: symbol, value: unknown): Context;
	deleteValue(key: symbol): Context;
};

export type Tracer = {
	startSpan(name: string, options: { kind: number; attributes?: Attributes }, context: Context): Span;
};

type Registered = {
	trace?: { getTracer(name: string): Tracer };
	context?: {
		active(): Context;
		with<R>(context: Context, fn: () => R): R;
	};
};

/** The API's SpanKind and SpanStatusCode values (stable since 1.0); const enums, inlined as numbers. */
export enum SpanKind {
	INTERNAL = 0,
	CLIENT = 2,
}
export enum StatusCode {
	ERROR = 2,
}

/** Where the API keeps the span in a context (`createContextKey` is `Symbol.for` of its description). */
const SPAN_KEY = Symbol.for('OpenTelemetry Context Key SPAN');

/** What the application registered with `@opentelemetry/api` 1.x, if anything. */
export const registered = (): Registered | undefined =>
	(globalThis as Record<symbol, Registered | undefined>)[Symbol.for('opentelemetry.js.api.1')];

/** The API's ROOT_CONTEXT, for an application that registered a tracer provider but no context manager. */
const contextOf = (values: Map<symbol, unknown>): Context => ({
	getValue: (key) => values.get(key),
	setValue: (key, value) => contextOf(new Map(values).set(key, value)),
	deleteValue: (key) => {
		const rest = new Map(values);
		rest.delete(key);
		return contextOf(rest);
	},
});

export const rootContext = (): Context => contextOf(new Map());

export const withSpan = (context: Context, span: Span): Context => context.setValue(SPAN_KEY, span);
