import { IdempotencyError } from '../errors/base.js';
import { recordId } from '../journal/record.js';
import { mintOperationId } from '../keys/mint.js';
import { assertValidKey } from '../keys/validate.js';
import type { RetryPolicy } from '../retry/policy.js';
import { resolvePolicy } from '../retry/resolve.js';
import { startTrace } from '../tracing/trace.js';
import type { CallOptions } from '../types/options.js';
import type { IdemResult } from '../types/result.js';
import type { StandardSchemaV1 } from '../types/standard-schema.js';
import { checkOperation } from '../utils/input.js';
import { attemptLoop, type Progress } from './attempts.js';
import { conclude, ended, journalConflict } from './conclude.js';
import type { ClientContext, Subject } from './context.js';
import { runJournaled } from './journaled.js';
import { type PreparedRequest, prepareRequest } from './prepare.js';
import { validated } from './validate.js';

/** One call of `client.post()` and friends, from raw options to a typed result or a typed error. */
export async function execute<T>(
	ctx: ClientContext,
	method: string,
	input: string,
	options: CallOptions<T> = {},
): Promise<IdemResult<T>> {
	const { request, run } = await prepareCall(ctx, method, input, options);
	return runOperation(ctx, request, run);
}

/** A call's request prepared and its operation named: what `runOperation` takes. */
export async function prepareCall<T>(
	ctx: ClientContext,
	method: string,
	input: string,
	options: CallOptions<T>,
): Promise<{ request: PreparedRequest; run: OperationOptions<T> }> {
	// Checked by the client (client/call-options.ts) before it called execute: everything fetch could refuse.
	const upper = method.toUpperCase();
	const policy = resolvePolicy(ctx.policy, options.retry);
	const request = await prepareRequest(upper, input, options as CallOptions<unknown>, ctx);
	const signal = options.signal ?? undefined;
	signal?.throwIfAborted();
	let operation = options.operation;
	if (request.journaled) {
		if (request.explicitKey !== undefined) assertValidKey(request.explicitKey, ctx.dialect, operation);
		operation ??= request.explicitKey !== undefined ? `key:${request.explicitKey}` : mintOperationId();
		checkOperation(operation);
	}
	const run: OperationOptions<T> = {
		operation: operation ?? mintOperationId(),
		policy,
		timeout: options.timeout ?? ctx.timeout,
		signal,
		schema: options.schema,
		named: input,
	};
	return { request, run };
}

export type OperationOptions<T> = {
	readonly operation: string;
	readonly policy: RetryPolicy;
	readonly timeout: number;
	readonly signal: AbortSignal | undefined;
	readonly schema?: StandardSchemaV1<unknown, T> | undefined;
	/** The URL as the caller named it, which the give-up event reports. */
	readonly named: string;
};

/**
One logical operation, for `execute` and `resume` alike: journaled writes join this process's flight of the
operation or start the journaled run; reads run the same attempts with no record. A typed failure emits the give-up
event; a result is checked against the caller's schema.
*/
export async function runOperation<T>(
	ctx: ClientContext,
	request: PreparedRequest,
	options: OperationOptions<T>,
): Promise<IdemResult<T>> {
	const { method, url } = request;
	const { operation } = options;
	const trace = startTrace(ctx.tracing, { method, url, operation, dialect: ctx.dialect.name });
	const progress: Progress = { attempts: 0, mayHaveApplied: false, trace };
	try {
		const run = () =>
			request.journaled
				? inFlight(ctx, request, options, progress)
				: runUnjournaled(ctx, request, options, progress);
		const result = await (trace ? trace.run(run) : run());
		const checked = options.schema ? await validated(result, options.schema) : (result as IdemResult<T>);
		trace?.end({ attempts: progress.attempts, result });
		return checked;
	} catch (error) {
		giveUp(ctx, error, { method, url: options.named, operation }, progress.attempts);
		trace?.end({ attempts: progress.attempts, error });
		throw error;
	}
}

/** The give-up event for a typed failure (a caller's own mistake, `invalid_request`, is no operation giving up). */
export function giveUp(
	ctx: ClientContext,
	error: unknown,
	call: Omit<Subject, 'key'>,
	attempt: number,
): void {
	if (!(error instanceof IdempotencyError) || error.code === 'invalid_request') return;
	ctx.emit({
		type: 'give-up',
		...call,
		key: error.key,
		operation: error.operation ?? call.operation,
		attempt,
		error,
	});
}

/**
Joins this process's running flight of the operation, or starts the journaled run. The caller's signal is its own: the
run gets the flight's signal, which aborts only once every caller waiting for it has aborted.
*/
function inFlight(
	ctx: ClientContext,
	request: PreparedRequest,
	options: OperationOptions<unknown>,
	progress: Progress,
): Promise<IdemResult> {
	const { operation } = options;
	return ctx.flights.run(
		recordId(ctx.scope, operation),
		request.fingerprint,
		options.signal,
		(signal) => runJournaled(ctx, request, { ...options, signal, progress }),
		() => {
			// Caught before sending, like a journal fingerprint mismatch: the same event and error.
			const { method, url } = request;
			const { event, error } = journalConflict(
				{ key: undefined, operation, method, url },
				'is already running',
			);
			ctx.emit(event);
			return error;
		},
	);
}

/** GET/HEAD/OPTIONS: safe to repeat, so no key and no journal, but the same retry policy. */
async function runUnjournaled(
	ctx: ClientContext,
	request: PreparedRequest,
	options: OperationOptions<unknown>,
	progress: Progress,
): Promise<IdemResult> {
	const subject: Subject = {
		key: undefined,
		operation: options.operation,
		method: request.method,
		url: request.url,
	};
	const { policy, timeout, signal } = options;
	const outcome = await attemptLoop(ctx, request, subject, { policy, timeout, signal, progress });
	return ended(ctx, conclude(outcome, progress.mayHaveApplied, subject, undefined));
}
