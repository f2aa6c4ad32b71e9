import { IdempotencyError } from '../errors/base.js';
import { KeyReuseError, ResponseValidationError } from '../errors/classes.js';
import { recordId } from '../journal/record.js';
import { mintOperationId } from '../keys/mint.js';
import { assertValidKey } from '../keys/validate.js';
import { resolvePolicy } from '../retry/resolve.js';
import type { CallOptions } from '../types/options.js';
import type { IdemResult } from '../types/result.js';
import type { StandardSchemaV1 } from '../types/standard-schema.js';
import { checkOperation } from '../utils/input.js';
import { attemptLoop, type Progress } from './attempts.js';
import type { ClientContext, RawResult } from './context.js';
import { exhaustedError, failureError, type Subject } from './failures.js';
import { type RunOptions, runJournaled } from './journaled.js';
import { type PreparedRequest, prepareRequest } from './prepare.js';
import { rawFrom } from './raw.js';

/** One call of `client.post()` and friends, from raw options to a typed result or a typed error. */
export function execute<T>(
	ctx: ClientContext,
	method: string,
	input: string,
	options: CallOptions<T> = {},
): Promise<IdemResult<T>> {
	// Only a label for the give-up event: the inputs are checked in dispatch, where a bad one rejects the call.
	const label: CallLabel = {
		method: typeof method === 'string' ? method.toUpperCase() : '',
		url: typeof input === 'string' ? input : '',
		operation: typeof options?.operation === 'string' ? options.operation : undefined,
	};
	return settleCall(ctx, label, options, (progress) =>
		dispatch(ctx, method, input, options as CallOptions<unknown>, progress),
	);
}

/** What a give-up event names when the error itself cannot say. */
export type CallLabel = { method: string; url: string; operation: string | undefined };

/**
The envelope every public call shares (plain calls and resumes): a per-call attempt counter, the give-up event on a typed failure, and schema validation of the result.
*/
export async function settleCall<T>(
	ctx: ClientContext,
	label: CallLabel,
	options: Pick<CallOptions<T>, 'schema'>,
	run: (progress: Progress) => Promise<RawResult>,
): Promise<IdemResult<T>> {
	const progress: Progress = { attempts: 0 };
	try {
		return await finalise(await run(progress), options);
	} catch (error) {
		if (error instanceof IdempotencyError && error.code !== 'invalid_request') {
			ctx.emit({
				type: 'give-up',
				key: error.key,
				operation: error.operation ?? label.operation ?? '',
				method: label.method,
				url: label.url,
				attempt: progress.attempts,
				error,
			});
		}
		throw error;
	}
}

async function dispatch(
	ctx: ClientContext,
	method: string,
	input: string,
	options: CallOptions<unknown>,
	progress: Progress,
) {
	// Checked by the client (client/call-options.ts) before it called execute: everything fetch could refuse.
	const upper = method.toUpperCase();
	const policy = resolvePolicy(ctx.policy, options.retry);
	const request = await prepareRequest(upper, input, options, ctx);
	const timeout = options.timeout ?? ctx.timeout;
	const signal = options.signal ?? undefined;
	signal?.throwIfAborted();
	if (!request.journaled) {
		const operation = options.operation ?? mintOperationId();
		return runUnjournaled(ctx, request, { operation, policy, timeout, signal, progress });
	}
	if (request.explicitKey !== undefined) assertValidKey(request.explicitKey, ctx.dialect, options.operation);
	const operation =
		options.operation ??
		(request.explicitKey !== undefined ? `key:${request.explicitKey}` : mintOperationId());
	checkOperation(operation);
	return runInFlight(ctx, request, { operation, policy, timeout, signal, progress });
}

/**
Joins this process's running flight of the operation, or starts the journaled run. The caller's signal is its own: the
run gets the flight's signal, which aborts only once every caller waiting for it has aborted.
*/
export function runInFlight(
	ctx: ClientContext,
	request: PreparedRequest,
	options: RunOptions,
): Promise<RawResult> {
	const { operation } = options;
	return ctx.flights.run(
		recordId(ctx.scope, operation),
		request.fingerprint,
		options.signal,
		(signal) => runJournaled(ctx, request, { ...options, signal }),
		() => {
			// Caught before sending, like a journal fingerprint mismatch: the same event.
			ctx.emit({
				type: 'conflict',
				key: undefined,
				operation,
				method: request.method,
				url: request.url,
				attempt: 0,
				source: 'journal',
			});
			return new KeyReuseError(
				`Operation "${operation}" is already running with a different request; a key can carry only one request.`,
				{ operation, source: 'journal' },
			);
		},
	);
}

/** GET/HEAD/OPTIONS: safe to repeat, so no key and no journal, but the same retry policy. */
async function runUnjournaled(
	ctx: ClientContext,
	request: PreparedRequest,
	options: RunOptions,
): Promise<RawResult> {
	const subject: Subject = {
		key: undefined,
		operation: options.operation,
		method: request.method,
		url: request.url,
	};
	const { outcome, mayHaveApplied } = await attemptLoop(ctx, request, subject, {
		...options,
		earlierAttemptUnknown: false,
	});
	if (outcome.type === 'done') {
		const { decision, value } = outcome.last;
		if (decision.type === 'succeed') return rawFrom(value, subject, outcome.attempts, decision.replayed);
		if (decision.type === 'fail') throw failureError(decision, value.observation, subject, outcome.attempts);
	}
	if (outcome.type === 'aborted') throw outcome.reason;
	throw exhaustedError(
		outcome as Exclude<typeof outcome, { type: 'done' }>,
		subject,
		outcome.attempts,
		mayHaveApplied,
	);
}

async function finalise<T>(raw: RawResult, options: Pick<CallOptions<T>, 'schema'>): Promise<IdemResult<T>> {
	let data = raw.body as T;
	if (options.schema) {
		let result: Awaited<ReturnType<StandardSchemaV1<unknown, T>['~standard']['validate']>>;
		try {
			result = await options.schema['~standard'].validate(raw.body);
		} catch (error) {
			// A schema that throws is still a response that did not validate: the request was applied all the same.
			throw new ResponseValidationError(
				`The schema threw while validating the ${raw.status} response of operation "${raw.operation}" (the request was applied).`,
				{
					key: raw.key,
					operation: raw.operation,
					status: raw.status,
					body: raw.body,
					issues: [],
					cause: error,
				},
			);
		}
		if (result.issues) {
			throw new ResponseValidationError(
				`The ${raw.status} response of operation "${raw.operation}" does not match the schema (the request was applied): ${result.issues
					.map((issue) => issue.message)
					.join('; ')}`,
				{ key: raw.key, operation: raw.operation, status: raw.status, body: raw.body, issues: result.issues },
			);
		}
		data = result.value;
	}
	return Object.freeze({ ...raw, data });
}
