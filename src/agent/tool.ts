import { InvalidRequestError, KeyReuseError } from '../errors/classes.js';
import { recordId } from '../journal/record.js';
import { canonicalJson } from '../keys/canonical-json.js';
import { sha256HexOfText } from '../utils/sha256.js';
import { callInfo } from './call-info.js';
import { flightsOf, runSignal } from './flights.js';
import { type Identity, plainLabel, type ToolIds, toolIds, wellFormed } from './ids.js';
import { type ToolSettings, toolSettings } from './options.js';
import { classify, modelSafe } from './outcome.js';
import { type RunResult, runRecorded } from './run.js';
import type { IdempotentToolOptions, ToolCallInfo, ToolOutcome, ToolRunContext } from './types.js';

/** The function a tool runs once per action: call the idemkey client with `operation`, `key` and `signal`. */
export type ToolFunction<I, O> = (input: I, run: ToolRunContext) => Promise<O> | O;

/**
Wraps a tool's function so that every action it takes is applied once, however often the agent framework runs it.
The result has the framework's own `execute` shape, `(input, ...context)`: give it to the AI SDK's `tool({ execute })`,
the OpenAI Agents SDK's `tool({ execute })`, or any framework that passes a tool-call id.

Each call is named (by its call id, its intent within a run, or a business key), recorded in the journal before
`fn` runs, and answered from the journal when it comes again. Outcomes that are not a result (the answer was lost,
the service refused it) are returned to the model as {@link ToolOutcome} data unless `throwOn` says otherwise.

@example
```ts
const bookClass = tool({
	description: 'Book a class for a client',
	inputSchema: z.object({ clientId: z.string(), classId: z.string() }),
	execute: idempotentTool(
		async (input, { operation, key, signal }) =>
			(await api.post('bookings', { json: input, operation, key, signal })).data,
		{ name: 'book-class', journal },
	),
});
```
*/
export function idempotentTool<I, O>(
	fn: ToolFunction<I, O>,
	options: IdempotentToolOptions<I>,
): (input: I, ...context: unknown[]) => Promise<O | ToolOutcome> {
	if (typeof fn !== 'function') {
		throw new InvalidRequestError('idempotentTool needs the tool function as its first argument.', {
			field: 'fn',
		});
	}
	const settings = toolSettings(options);
	return async (input, ...context) => {
		const call = callInfo(settings.name, context);
		const identity = toolIdentity(settings, input, call);
		const { result } = await runTool(settings, fn, input, identity, call);
		return deliver(result, settings) as O | ToolOutcome;
	};
}

/** Which rule names this call: a business key, the intent within a run, or the framework's call id. */
function toolIdentity<I>(settings: ToolSettings<I>, input: I, call: ToolCallInfo): Identity {
	if (settings.key) {
		const key = businessKey(settings, input, call);
		return { kind: 'key', material: key, label: plainLabel(key) };
	}
	if (settings.keyBy === 'intent') {
		const { runId } = settings;
		const id = typeof runId === 'function' ? asked(settings.name, 'runId', () => runId(call)) : runId;
		if (typeof id !== 'string' || id.length === 0 || !wellFormed(id)) {
			throw new InvalidRequestError(
				`Tool "${settings.name}" is keyed by intent but got no run id for this call; runId must give the run, thread or conversation id.`,
				{ field: 'runId' },
			);
		}
		const canonical = canonicalInput(settings.name, input);
		return {
			kind: 'intent',
			material: `${id}\u0000${canonical}`,
			label: undefined,
			canonicalInput: canonical,
		};
	}
	if (call.callId === undefined || !wellFormed(call.callId)) {
		throw new InvalidRequestError(
			`Tool "${settings.name}" found no tool-call id in what the framework passed (the AI SDK's toolCallId, the OpenAI Agents SDK's toolCall.callId). Use keyBy: 'intent' with a runId, or a business key.`,
			{ field: 'toolCallId' },
		);
	}
	return { kind: 'call', material: call.callId, label: plainLabel(call.callId) };
}

/**
Asks the caller's `key` or `runId` function. What it throws (often the model's input missing a field) becomes an
`InvalidRequestError` naming the option, the original kept as `cause` only: frameworks show a tool's error text to
the model, and the function's own message may quote anything.
*/
function asked<T>(tool: string, field: 'key' | 'runId', ask: () => T): T {
	try {
		return ask();
	} catch (error) {
		throw new InvalidRequestError(`The ${field} option of tool "${tool}" threw; nothing was run.`, {
			field,
			cause: error,
		});
	}
}

/** The business key `options.key` gives for this call, checked. Shared with the MCP wrapper. */
export function businessKey<I>(settings: ToolSettings<I>, input: I, call: ToolCallInfo): string {
	const key = asked(settings.name, 'key', () => settings.key?.(input, call));
	if (typeof key !== 'string' || key.length === 0 || key.length > 512 || !wellFormed(key)) {
		throw new InvalidRequestError(
			`The key option of tool "${settings.name}" must return a non-empty string of at most 512 characters, well-formed Unicode${(key as unknown) instanceof Promise ? ' (it returned a Promise: it must answer at once)' : ''}.`,
			{ field: 'key' },
		);
	}
	return key;
}

function canonicalInput(tool: string, input: unknown): string {
	try {
		return canonicalJson(input);
	} catch (error) {
		// Not the error's own message: a toJSON that threw may say anything, and the model reads this one.
		throw new InvalidRequestError(
			`The input of tool "${tool}" cannot be written as JSON (a cycle, a BigInt, or a toJSON that threw); nothing was run.`,
			{ field: 'input', cause: error },
		);
	}
}

/** Runs (or joins, or answers from the journal) the action `identity` names. Shared with the MCP wrapper. */
export async function runTool<I, O>(
	settings: ToolSettings<I>,
	fn: ToolFunction<I, O>,
	input: I,
	identity: Identity,
	call: ToolCallInfo,
): Promise<{ ids: ToolIds; result: RunResult }> {
	const hmacKey = settings.hmacKey ? await settings.hmacKey : undefined;
	const ids = await toolIds(settings.scope, settings.name, identity, hmacKey);
	const canonical = identity.canonicalInput ?? canonicalInput(settings.name, input);
	const fingerprint = await sha256HexOfText(`${settings.name}\n${canonical}`);
	const scope = `agent:${settings.scope}`;
	// A new call with the same input continues the same action only when the key does not come from the call id.
	const retrySafe = identity.kind === 'intent' || identity.kind === 'key';
	const result = await flightsOf<RunResult>(settings.journal)
		.run(
			recordId(scope, ids.operation),
			fingerprint,
			call.signal,
			(signal) =>
				runRecorded({
					journal: settings.journal,
					scope,
					...ids,
					fingerprint,
					tool: settings.name,
					retentionMs: settings.retentionMs,
					keepMs: settings.keepMs,
					maxStoredBytes: settings.maxStoredBytes,
					retrySafe,
					signal,
					journalTimeoutMs: settings.journalTimeoutMs,
					now: settings.now,
					execute: async () => fn(input, { ...ids, signal: runSignal(signal), call }),
				}),
			() =>
				new KeyReuseError(
					`Tool operation "${ids.operation}" is already running with a different input; one operation carries one input.`,
					{ ...ids, source: 'journal' },
				),
		)
		.catch((error: unknown): RunResult => {
			if (!(error instanceof KeyReuseError)) throw error;
			return { type: 'outcome', outcome: classify(error, ids, retrySafe)?.outcome as ToolOutcome, error };
		});
	return { ids, result };
}

/** The run's result as this caller returns it: the value, the outcome as data, or the typed error `throwOn` asks for. */
export function deliver(result: RunResult, settings: Pick<ToolSettings<unknown>, 'throwOn'>): unknown {
	if (result.type === 'result') return result.value;
	if (result.type === 'thrown') throw result.error;
	const { outcome, error } = result;
	if (outcome.status !== 'result_not_kept' && settings.throwOn.has(outcome.status)) {
		throw modelSafe(error, outcome);
	}
	return outcome;
}
