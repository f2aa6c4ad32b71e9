import { resolveDialect } from '../dialects/resolve.js';
import type { Dialect } from '../dialects/types.js';
import { InvalidRequestError } from '../errors/classes.js';
import type { Journal } from '../journal/journal.js';
import { MemoryJournal } from '../journal/memory.js';
import type { JournalRecord } from '../journal/record.js';
import { mintKey } from '../keys/mint.js';
import type { ClientContext } from '../operation/context.js';
import { execute } from '../operation/execute.js';
import {
	abandonOperation,
	listPending,
	resolveOperation,
	resumeAllOperations,
} from '../operation/recovery.js';
import { resumeOperation } from '../operation/resume.js';
import { SingleFlight } from '../operation/single-flight.js';
import { resolvePolicy } from '../retry/resolve.js';
import type { IdemEvent } from '../types/events.js';
import type { CallOptions, ClientOptions, ReadCallOptions } from '../types/options.js';
import type {
	AbandonOptions,
	ResolveOptions,
	ResumeAllOptions,
	ResumeOptions,
	ResumeReport,
} from '../types/recovery.js';
import type { IdemResult } from '../types/result.js';
import { callHook } from '../utils/call-hook.js';
import { mergeHeaders } from '../utils/headers.js';
import { normaliseBaseUrl } from './base-url.js';
import { checkCall, checkPending, checkResume, checkResumeAll, checkSettle } from './call-options.js';
import { CLIENT_DEFAULTS } from './defaults.js';
import { defined, mergeClientOptions } from './extend.js';
import { journalHeaderSet } from './journal-headers.js';
import { assertClientOptions } from './options.js';
import { toSearchParams } from './search-params.js';
import { assertSecureContext } from './secure-context.js';

/** One HTTP method of the client: `client.post(path, options)`. */
export type Call = <T = unknown>(input: string | URL, options?: CallOptions<T>) => Promise<IdemResult<T>>;

/** `client.get(path, options)`: a read, whose options take no body and no key. */
export type ReadCall = <T = unknown>(
	input: string | URL,
	options?: ReadCallOptions<T>,
) => Promise<IdemResult<T>>;

/**
A call's options for its method: a GET or HEAD named as a literal (any case) takes a read's options; a method known
only at run time takes every option, and the call checks them before sending.
*/
type OptionsFor<M extends string, T> =
	Uppercase<M> extends 'GET' | 'HEAD' ? ReadCallOptions<T> : CallOptions<T>;

export type IdemClient = {
	/** Any method; GET/HEAD/OPTIONS carry no key and are not journaled. */
	request: <T = unknown, M extends string = string>(
		method: M,
		input: string | URL,
		options?: OptionsFor<M, T>,
	) => Promise<IdemResult<T>>;
	get: ReadCall;
	post: Call;
	put: Call;
	patch: Call;
	delete: Call;
	/**
	Unfinished operations of this client's scope (pending, inflight, unknown), oldest first. A journal that has to wait
	(a FileJournal whose lock another process holds) is waited on until `options.signal` aborts or
	`retry.maxRetryTime` passes (the client's unless given), then the call rejects.
	*/
	pending: (options?: Pick<ResumeAllOptions, 'signal' | 'retry'>) => Promise<readonly JournalRecord[]>;
	/**
	Resends a journaled operation with its original key (or checks `options.request` against the stored fingerprint and sends that). A finished operation answers from the journal; an interrupted one whose key outlived the server's retention raises `KeyExpiredError` unless `onExpired` reconciles it.
	*/
	resume: <T = unknown>(operation: string, options?: ResumeOptions<T>) => Promise<IdemResult<T>>;
	/**
	Resumes every pending operation of the scope with bounded concurrency; never rejects for one operation's failure
	(aborting its signal rejects it with the signal's reason).
	*/
	resumeAll: (options?: ResumeAllOptions) => Promise<ResumeReport[]>;
	/**
	Gives up on an unfinished operation (say, stuck in `unknown` after a typo'd URL): journaled as failed, so `pending()`
	and `resumeAll()` stop offering it and every later run raises `OperationAbandonedError` without a request. Resolves
	to the journaled record. Refuses (`InProgressError`) while an attempt is in flight unless `force`; an operation this
	client is sending is refused even so. A finished operation is refused (`InvalidRequestError`), except that
	abandoning an abandoned one again is a no-op. Its journal waits end with `options.signal` (rejecting with its reason)
	or `retry.maxRetryTime` (a `JournalError`), as `pending()`'s do.
	*/
	abandon: (operation: string, options?: AbandonOptions) => Promise<JournalRecord>;
	/**
	Records the outcome you found for an unfinished operation (the booking exists): journaled as succeeded with
	`status` (2xx) and `data`, so later runs answer them from the journal without a request. Refuses like `abandon()`.
	*/
	resolve: (operation: string, options?: ResolveOptions) => Promise<JournalRecord>;
	/** The resolved dialect. */
	readonly dialect: Dialect;
	/** The journal records are written to. */
	readonly journal: Journal;
	readonly scope: string;
	/**
	A client derived from this one (for another tenant, token or timeout): `options` over this client's, with `headers`
	and `searchParams` merged name by name (a header set to `undefined` is removed), `retry` merged field by field, and
	the same journal unless one is given. On the same journal it shares this client's in-process single-flight, so that
	the two run one operation once, as one client would.
	*/
	extend: (options: ClientOptions) => IdemClient;
};

/** Creates a client whose writes are keyed, journaled and retried as the dialect allows. */
export function createClient(options: ClientOptions = {}): IdemClient {
	assertClientOptions(options);
	assertSecureContext();
	return build(options, undefined);
}

/** A client of checked `options`; `shared` is the parent's journal and flights when it was derived by `extend()`. */
function build(
	options: ClientOptions,
	shared: { journal: Journal; flights: SingleFlight<IdemResult> } | undefined,
): IdemClient {
	// Each option left out, or given as undefined, takes its default.
	const {
		scope,
		timeout,
		storeBodies,
		maxStoredBodyBytes,
		maxResponseBytes,
		keepFinishedMs,
		leaseMs,
		maxInterruptedAttempts,
		journalHeaders: named,
		tracing,
	} = { ...CLIENT_DEFAULTS, ...defined(options) } as typeof CLIENT_DEFAULTS;
	// Merged once here, which checks them: a bad client header fails createClient, not every call.
	const clientHeaders = mergeHeaders(options.headers);
	const baseUrl = options.baseUrl === undefined ? undefined : normaliseBaseUrl(options.baseUrl);
	const journalHeaders = journalHeaderSet(named);
	const dialect = resolveDialect(options.dialect);
	// A key names one operation. On the client it would be every write's key: each write after the first would then be
	// refused as a reuse of it (or, under distinct operation ids, rejected by the server), and none would say why.
	if (clientHeaders.has(dialect.keyHeader)) {
		throw new InvalidRequestError(
			`The client's headers set ${dialect.keyHeader}, which would make every write share one key: pass a key per call (the key option), or let idemkey mint one per operation.`,
			{ field: 'headers' },
		);
	}
	const journal = options.journal ?? new MemoryJournal();
	const searchParams = options.searchParams === undefined ? undefined : toSearchParams(options.searchParams);
	const onEvent = options.onEvent;
	const userFetch = options.fetch;
	const context: ClientContext = {
		// Late-bound so interceptors (msw, test doubles) installed after createClient still apply.
		fetch: (url, init) => (userFetch ?? globalThis.fetch)(url, init),
		searchParams: searchParams === undefined ? [] : [...searchParams],
		beforeAttempt: options.beforeAttempt,
		dialect,
		journal,
		scope,
		policy: resolvePolicy(CLIENT_DEFAULTS.retry, options.retry),
		timeout,
		baseUrl,
		headers: clientHeaders,
		journalHeaders,
		storeBodies,
		maxStoredBodyBytes,
		maxResponseBytes,
		keepFinishedMs,
		tracing,
		owner: mintKey(),
		leaseMs,
		maxInterruptedAttempts,
		// One operation runs once per process, not per client object: a client derived on the same journal (where the
		// same scope and operation name the same record) joins its parent's flights.
		flights: shared?.journal === journal ? shared.flights : new SingleFlight<IdemResult>(),
		emit: onEvent ? (event: IdemEvent) => callHook(onEvent, Object.freeze(event)) : () => {},
		// Looked up per call, not captured: fake clocks installed after createClient (tests, simulations) still apply.
		now: () => Date.now(),
		random: () => Math.random(),
	};
	// What extend() merges over: the journal resolved (a derived client keeps it), headers and query checked.
	const resolved: ClientOptions = { ...options, journal, headers: clientHeaders };
	if (searchParams !== undefined) resolved.searchParams = searchParams;
	// A read's refused options have no values, so its options are call options; checkCall checks what JavaScript sends.
	const request = <T>(method: string, input: string | URL, call: CallOptions<T> | ReadCallOptions<T> = {}) =>
		checked(() => {
			const url = input instanceof URL ? input.href : input;
			const upper = checkCall(method, url, call);
			return execute<T>(context, upper, url, withSearchParams(call as CallOptions<T>));
		});
	return Object.freeze({
		request,
		get: (input, call) => request('GET', input, call),
		post: (input, call) => request('POST', input, call),
		put: (input, call) => request('PUT', input, call),
		patch: (input, call) => request('PATCH', input, call),
		delete: (input, call) => request('DELETE', input, call),
		pending: (pendingOptions = {}) =>
			checked(() => {
				checkPending(pendingOptions);
				return listPending(context, pendingOptions);
			}),
		resume: (operation, resumeOptions = {}) =>
			checked(() => {
				checkResume(operation, resumeOptions);
				const { request: given } = resumeOptions;
				const resumed = given ? { ...resumeOptions, request: withSearchParams(given) } : resumeOptions;
				return resumeOperation(context, operation, resumed, options.onExpired);
			}),
		resumeAll: (resumeOptions = {}) =>
			checked(() => {
				checkResumeAll(resumeOptions);
				return resumeAllOperations(context, resumeOptions, options.onExpired);
			}),
		abandon: (operation, abandonOptions = {}) =>
			checked(() => {
				checkSettle(operation, abandonOptions);
				return abandonOperation(context, operation, abandonOptions);
			}),
		resolve: (operation, resolveOptions = {}) =>
			checked(() => {
				checkSettle(operation, resolveOptions);
				return resolveOperation(context, operation, resolveOptions);
			}),
		extend: (overrides) => {
			// The merge of two checked sets is checked: only the overrides need it.
			assertClientOptions(overrides);
			return build(mergeClientOptions(resolved, overrides), { journal, flights: context.flights });
		},
		dialect,
		journal,
		scope,
	} satisfies IdemClient);
}

/**
Runs a client method's checks, then its work: a bad argument rejects the promise the method returns, as every later
failure does, rather than throwing where the caller only expected to await.
*/
function checked<R>(work: () => Promise<R>): Promise<R> {
	try {
		return work();
	} catch (error) {
		return Promise.reject(error);
	}
}

/** A call's query with array values spread into repeated parameters (operation/ takes scalars or URLSearchParams). */
const withSearchParams = <O extends { searchParams?: CallOptions['searchParams'] }>(options: O): O =>
	options.searchParams === undefined || options.searchParams instanceof URLSearchParams
		? options
		: { ...options, searchParams: toSearchParams(options.searchParams) };
